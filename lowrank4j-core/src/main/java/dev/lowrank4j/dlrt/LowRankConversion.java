package dev.lowrank4j.dlrt;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.nn.ConvKernel;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an image classifier into its DLRT form: every weight layer but the last (the classifier
 * head stays full rank, §6(a)) is replaced by a {@link LowRankLinear} holding U·S·Vᵀ, initialised
 * from the layer's default weight or at random ({@link LowRankInit}); biases are kept. A
 * convolution's patch projection (out × in·k·k) is what gets factorised.
 */
public final class LowRankConversion {
    private LowRankConversion() {}

    /** The module paths DLRT makes low rank, in model order: all weight layers but the last. */
    public static List<String> lowRankPaths(ImageClassifier model) {
        List<String> paths = new ArrayList<>(model.linears().keySet());
        paths.remove(paths.size() - 1);
        return paths;
    }

    /** The head: the last weight layer, kept full rank. */
    public static String headPath(ImageClassifier model) {
        List<String> paths = new ArrayList<>(model.linears().keySet());
        return paths.get(paths.size() - 1);
    }

    /**
     * The rank each low-rank layer starts at. {@code requested} null: min(m, n)/2 per layer (the
     * workspace bound of the authors' adaptive layers; fixed rank: {@code fixedRank}). One value: that
     * rank, lowered to min(m, n) on layers too small for it. One value per low-rank layer: exactly those.
     */
    public static Map<String, Integer> startRanks(ImageClassifier model, int[] requested, int fixedRank) {
        List<String> paths = lowRankPaths(model);
        Map<String, LinearLayer> linears = model.linears();
        Map<String, Integer> out = new LinkedHashMap<>();
        int[] spec = requested != null ? requested : fixedRank > 0 ? new int[] {fixedRank} : null;
        if (spec != null && spec.length != 1 && spec.length != paths.size()) {
            throw new Lowrank4jException("--start-rank takes one rank or one per low-rank layer (" + String.join(", ", paths)
                    + "), got " + spec.length + " values");
        }
        int largest = 0;
        for (String p : paths) largest = Math.max(largest, fullRank(linears.get(p)));
        for (int i = 0; i < paths.size(); i++) {
            String p = paths.get(i);
            int full = fullRank(linears.get(p));
            int r;
            if (spec == null) {
                r = Math.max(1, full / 2);
            } else if (spec.length == 1) {
                if (spec[0] < 1) throw new Lowrank4jException("a start rank must be >= 1, got " + spec[0]);
                if (spec[0] > largest) {
                    throw new Lowrank4jException("start rank " + spec[0] + " is above min(m, n) = " + largest
                            + " of every low-rank layer (" + String.join(", ", paths) + ")");
                }
                r = Math.min(spec[0], full);
            } else {
                r = spec[i];
                if (r < 1 || r > full) {
                    throw new Lowrank4jException("start rank " + r + " of " + p + " is outside [1, min(m, n) = " + full + "]");
                }
            }
            out.put(p, r);
        }
        return out;
    }

    private static int fullRank(LinearLayer l) {
        return Math.min(l.inFeatures(), l.outFeatures());
    }

    /** Replaces the layers named in {@code ranks}; returns the new layers in model order. */
    public static List<LowRankLinear> apply(ImageClassifier model, Map<String, Integer> ranks, LowRankInit.Kind init, long seed) {
        List<LowRankLinear> out = new ArrayList<>();
        Map<String, LinearLayer> linears = model.linears();
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            LinearLayer old = linears.get(e.getKey());
            if (old == null) throw new Lowrank4jException("no weight layer '" + e.getKey() + "' in the model");
            int m = old.outFeatures(), n = old.inFeatures();
            Tensor[] f = LowRankInit.factors(init, denseWeight(old), m, n, e.getValue(), seed, e.getKey());
            LowRankLinear l = new LowRankLinear(e.getKey(), f[0], f[1], f[2], bias(old), old instanceof ConvKernel);
            model.replaceLinear(e.getKey(), l);
            out.add(l);
        }
        return out;
    }

    private static float[] denseWeight(LinearLayer l) {
        if (l instanceof Linear lin) return lin.weight().data();
        if (l instanceof ConvKernel k) return k.weight().data(); // [out, in, k, k] is [out, in·k·k] in memory
        throw new Lowrank4jException("cannot factorise a " + l.getClass().getSimpleName());
    }

    private static Parameter bias(LinearLayer l) {
        if (l instanceof Linear lin) return lin.bias();
        if (l instanceof ConvKernel k) return k.bias();
        return null;
    }
}
