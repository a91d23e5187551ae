package dev.lowrank4j.quant.act;

import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.ModuleHost;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wraps the quantized linears of a model so their activations follow a {@link QuantScheme}. */
public final class ActivationSchemes {
    private ActivationSchemes() {}

    /** The wrappers by module path (empty for A16, where nothing is wrapped). */
    public static Map<String, ActivationQuantizedLinear> apply(ModuleHost host, List<String> modulePaths, QuantScheme s) {
        Map<String, ActivationQuantizedLinear> out = new LinkedHashMap<>();
        if (s.activation() == ActivationMode.NONE) return out;
        for (String path : modulePaths) {
            LinearLayer layer = host.linears().get(path);
            int kv = QuantScheme.isKeyOrValue(path) ? s.kvBits() : 0;
            ActivationQuantizedLinear q = new ActivationQuantizedLinear(layer, s.activation(), s.activationBits(), kv);
            host.replaceLinear(path, q);
            out.put(path, q);
        }
        return out;
    }
}
