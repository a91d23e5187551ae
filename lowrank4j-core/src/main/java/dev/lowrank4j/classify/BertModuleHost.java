package dev.lowrank4j.classify;

import dev.lowrank4j.adapters.ModuleHost;
import dev.lowrank4j.bert.BertEncoder;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * Lets the adapter injectors work on a {@link BertEncoder}: {@link ModuleHost#of} only knows the
 * LLaMA model, and BertEncoder already has the three methods, just not the interface.
 */
final class BertModuleHost implements ModuleHost {
    private final BertEncoder encoder;

    BertModuleHost(BertEncoder encoder) {
        this.encoder = encoder;
    }

    @Override
    public Map<String, LinearLayer> linears() {
        return encoder.linears();
    }

    @Override
    public void replaceLinear(String modulePath, LinearLayer replacement) {
        encoder.replaceLinear(modulePath, replacement);
    }

    @Override
    public List<Parameter> parameters() {
        return encoder.parameters();
    }
}
