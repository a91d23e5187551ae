package dev.lowrank4j.nn;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Accounted;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What methods need from a model: its replaceable projections by module path, a way to swap one,
 * and all parameters (to freeze what an adapter does not train). LlamaModel and BertEncoder
 * implement it, and tests implement it over a handful of small layers.
 */
public interface ModuleHost {
    /** Module path → layer, in model order. */
    Map<String, LinearLayer> linears();

    void replaceLinear(String modulePath, LinearLayer replacement);

    /** Every parameter of the model, adapters included, each once. */
    List<Parameter> parameters();

    /** The non-parameter tensors of every linear (packed weights), under their full names. */
    default Map<String, Accounted> buffers() {
        Map<String, Accounted> out = new LinkedHashMap<>();
        linears().forEach((path, layer) -> layer.buffers().forEach((k, v) -> out.put(path + "." + k, v)));
        return out;
    }

    /**
     * The layer at {@code modulePath}, after checking that {@code replacement} may stand there (same
     * in/out features); a one-line error otherwise, naming {@code examples} of valid paths.
     */
    static LinearLayer checkReplacement(Map<String, LinearLayer> linears, String modulePath, LinearLayer replacement,
                                        String examples) {
        LinearLayer current = linears.get(modulePath);
        if (current == null) {
            throw new Lowrank4jException("no linear layer at '" + modulePath + "'; expected e.g. " + examples);
        }
        if (replacement.inFeatures() != current.inFeatures() || replacement.outFeatures() != current.outFeatures()) {
            throw new Lowrank4jException(modulePath + ": replacement maps " + replacement.inFeatures() + " -> "
                    + replacement.outFeatures() + " features, the layer maps " + current.inFeatures() + " -> "
                    + current.outFeatures());
        }
        return current;
    }
}
