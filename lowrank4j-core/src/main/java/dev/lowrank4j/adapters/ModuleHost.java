package dev.lowrank4j.adapters;

import dev.lowrank4j.model.LlamaModel;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * The three things an adapter needs from a model: its replaceable projections by module path, a
 * way to swap one, and all parameters (to freeze what the adapter does not train). An interface
 * rather than {@link LlamaModel} itself so adapters can be tested on a handful of small layers and
 * later applied to other models (BERT, MLPs) without change.
 */
public interface ModuleHost {
    /** Module path → layer, in model order. */
    Map<String, LinearLayer> linears();

    void replaceLinear(String modulePath, LinearLayer replacement);

    /** Every parameter of the model, adapters included, each once. */
    List<Parameter> parameters();

    static ModuleHost of(LlamaModel model) {
        return new ModuleHost() {
            @Override
            public Map<String, LinearLayer> linears() {
                return model.linears();
            }

            @Override
            public void replaceLinear(String modulePath, LinearLayer replacement) {
                model.replaceLinear(modulePath, replacement);
            }

            @Override
            public List<Parameter> parameters() {
                return model.parameters();
            }
        };
    }
}
