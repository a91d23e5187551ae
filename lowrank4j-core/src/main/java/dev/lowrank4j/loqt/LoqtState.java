package dev.lowrank4j.loqt;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.storage.DenseWeights;
import dev.lowrank4j.nn.storage.WeightStorage;
import dev.lowrank4j.quant.PackedWeights;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link LoqtLinear} keeps in a checkpoint beyond its parameters, and the checks when it
 * comes back. After a merge the layer holds W (NF4, or float32 for LoQT-nq), P (NF4 or float32)
 * and B. Float tensors travel as parameters (B always; P and LoQT-nq's W when float); the NF4 ones
 * cannot, so they are its packed state under the names the plain layer would give them:
 * {@code weight} for W, {@code lora_A.weight} / {@code lora_B.weight} for P (by {@link LoqtSide}).
 * The merge schedule, B's Adam moments and the SVD seeds need nothing here: they follow from the
 * optimizer's step count and state.
 */
final class LoqtState {
    private LoqtState() {}

    /** W and P where they are NF4, by name relative to the layer's path. */
    static Map<String, Nf4Tensor> packed(LoqtLinear l) {
        Map<String, Nf4Tensor> m = new LinkedHashMap<>();
        if (l.weightStorage() instanceof PackedWeights w && w.tensor() instanceof Nf4Tensor t) m.put("weight", t);
        if (l.projectionStorage() instanceof PackedWeights p && p.tensor() instanceof Nf4Tensor t) m.put(l.projectionKey(), t);
        return m;
    }

    /**
     * Puts a freshly built layer in the state the checkpoint saved: nothing if the checkpoint has no
     * P for it (no merge had run; {@link LoqtOptimizer#loadState} refuses that past step 0), else
     * P and, for quantized LoQT, W's NF4, with P's float values (and B's, and LoQT-nq's W) left to
     * the parameters' load. Every mismatch with this run's LoQT settings is a one-line error.
     */
    static void restore(LoqtLinear l, Map<String, Nf4Tensor> packed, Set<String> floatNames) {
        String path = l.modulePath(), pKey = l.projectionKey();
        LoqtConfig cfg = l.config();
        Nf4Tensor w = packed.get("weight"), p = packed.get(pKey);
        if (p == null && !floatNames.contains(pKey)) {
            if (w != null) throw new Lowrank4jException(path + ": the checkpoint holds W but not its projection " + path + "." + pKey);
            return;
        }
        if (l.initialized()) throw new IllegalStateException(path + ": LoQT state is restored into a freshly built layer only");
        if (cfg.quantize() && w == null) {
            throw new Lowrank4jException(path + ".weight: missing from the checkpoint (a loqt checkpoint holds W in NF4 beside P and B)");
        }
        if (!cfg.quantize() && w != null) {
            throw new Lowrank4jException(path + ".weight is NF4 in the checkpoint, but this loqt-nq run keeps W in float32");
        }
        if (cfg.quantizeProjection() != (p != null)) {
            throw new Lowrank4jException(path + "." + pKey + " is " + (p != null ? "NF4" : "float32") + " in the checkpoint, but this run keeps P in "
                    + (cfg.quantizeProjection() ? "NF4" : "float32"));
        }
        if (w != null) check(cfg, path + ".weight", w, l.outFeatures(), l.inFeatures());
        int[] pShape = l.projectionShape();
        if (p != null) check(cfg, path + "." + pKey, p, pShape);
        WeightStorage pStorage = p != null ? new PackedWeights(p)
                : new DenseWeights(Parameter.frozen(path + "." + pKey, Tensor.zeros(pShape))); // its values load as a parameter
        l.install(pStorage, w);
    }

    private static void check(LoqtConfig cfg, String name, Nf4Tensor t, int... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new Lowrank4jException(name + ": the checkpoint holds NF4 " + Arrays.toString(t.shape()) + ", the model expects "
                    + Arrays.toString(shape));
        }
        if (!t.options().equals(cfg.nf4())) {
            throw new Lowrank4jException(name + ": the checkpoint holds NF4 in " + describe(t.options()) + ", this run uses "
                    + describe(cfg.nf4()));
        }
    }

    private static String describe(Nf4Options o) {
        return "blocks of " + o.blocksize() + (o.doubleQuant() ? " with double quantization" : "");
    }
}
