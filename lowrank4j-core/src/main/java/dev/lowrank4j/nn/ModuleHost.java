package dev.lowrank4j.nn;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Accounted;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** What every linear gives a training checkpoint beside its float parameters ({@link LinearLayer#packedState}), by full name. */
    default Map<String, Nf4Tensor> packedState() {
        Map<String, Nf4Tensor> out = new LinkedHashMap<>();
        linears().forEach((path, layer) -> layer.packedState().forEach((k, v) -> out.put(path + "." + k, v)));
        return out;
    }

    /**
     * Hands each linear its part of a checkpoint ({@link LinearLayer#restorePackedState}), before
     * the float weights load. A packed tensor that no linear keeps afterwards (one under no
     * linear's path, or under a layer without packed state) is a one-line error naming it: a
     * checkpoint of another method must not load as if it fitted.
     *
     * @param floatNames the names of the checkpoint's float tensors
     */
    default void restorePackedState(Map<String, Nf4Tensor> packed, Set<String> floatNames) {
        Set<String> taken = new HashSet<>();
        linears().forEach((path, layer) -> {
            String prefix = path + ".";
            Map<String, Nf4Tensor> mine = new LinkedHashMap<>();
            packed.forEach((k, v) -> {
                if (k.startsWith(prefix)) mine.put(k.substring(prefix.length()), v);
            });
            Set<String> floats = new HashSet<>();
            for (String k : floatNames) if (k.startsWith(prefix)) floats.add(k.substring(prefix.length()));
            layer.restorePackedState(mine, floats);
            for (String k : layer.packedState().keySet()) if (mine.containsKey(k)) taken.add(prefix + k);
        });
        for (String k : packed.keySet()) {
            if (!taken.contains(k)) {
                throw new Lowrank4jException("the checkpoint holds " + k + " packed (NF4), but no layer of this model keeps it"
                        + " (a checkpoint of another method?)");
            }
        }
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
