package dev.lowrank4j.adapters;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import dev.lowrank4j.nn.ModuleHost;

/** Small shared fixtures for the adapter tests: random layers, a fake model, error measures. */
public final class AdapterTestSupport {
    private AdapterTestSupport() {
    }

    /** A Linear named after {@code path} with N(0, 1/in) weights (unit-scale outputs for unit inputs). */
    public static Linear randomLinear(String path, int in, int out, boolean bias, SplittableRandom rng) {
        Linear l = Linear.create(path, in, out, bias);
        GradCheck.fillRandom(l.weight(), rng, 0, 1 / Math.sqrt(in));
        if (bias) GradCheck.fillRandom(l.bias(), rng, 0, 0.1);
        return l;
    }

    public static Tensor randomInput(SplittableRandom rng, int rows, int cols) {
        return GradCheck.randomTensor(rng, 1.0, rows, cols);
    }

    /** max|a − b| / max|b|: the per-tensor relative error used throughout. */
    public static double maxRelativeError(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num = Math.max(num, Math.abs((double) a[i] - b[i]));
            den = Math.max(den, Math.abs((double) b[i]));
        }
        return den == 0 ? num : num / den;
    }

    public static boolean bitwiseEqual(float[] a, float[] b) {
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++) if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) return false;
        return true;
    }

    /**
     * A stand-in model: a few named projections and one extra parameter (like a norm gain), enough
     * to exercise target matching, replacement and freezing without a full LLaMA.
     */
    public static final class FakeHost implements ModuleHost {
        private final Map<String, LinearLayer> linears = new LinkedHashMap<>();
        public final Parameter norm = new Parameter("model.norm.weight", Tensor.zeros(4));

        /** {@code layers} blocks with q_proj [d→d] and v_proj [d→d/2], then an lm_head [d→v]. */
        public FakeHost(int layers, int d, int vocab, SplittableRandom rng) {
            this(attentionShapes(layers, d, vocab), rng);
        }

        /** One random bias-free Linear per path, with shapes {in, out}. */
        public FakeHost(Map<String, int[]> shapes, SplittableRandom rng) {
            shapes.forEach((path, s) -> linears.put(path, randomLinear(path, s[0], s[1], false, rng)));
        }

        private static Map<String, int[]> attentionShapes(int layers, int d, int vocab) {
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (int i = 0; i < layers; i++) {
                String p = "model.layers." + i + ".self_attn.";
                shapes.put(p + "q_proj", new int[]{d, d});
                shapes.put(p + "v_proj", new int[]{d, d / 2});
            }
            shapes.put("lm_head", new int[]{d, vocab});
            return shapes;
        }

        /**
         * The projections of the reference tiny LLaMA (hidden 64, intermediate 176, 4 heads and 2
         * key/value heads of 16, vocab 256, 2 layers), with random weights.
         */
        public static FakeHost tinyLlamaShaped(SplittableRandom rng) {
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (int i = 0; i < 2; i++) {
                String a = "model.layers." + i + ".self_attn.", m = "model.layers." + i + ".mlp.";
                shapes.put(a + "q_proj", new int[]{64, 64});
                shapes.put(a + "k_proj", new int[]{64, 32});
                shapes.put(a + "v_proj", new int[]{64, 32});
                shapes.put(a + "o_proj", new int[]{64, 64});
                shapes.put(m + "gate_proj", new int[]{64, 176});
                shapes.put(m + "up_proj", new int[]{64, 176});
                shapes.put(m + "down_proj", new int[]{176, 64});
            }
            shapes.put("lm_head", new int[]{64, 256});
            return new FakeHost(shapes, rng);
        }

        @Override
        public Map<String, LinearLayer> linears() {
            return java.util.Collections.unmodifiableMap(linears);
        }

        @Override
        public void replaceLinear(String modulePath, LinearLayer replacement) {
            if (!linears.containsKey(modulePath)) throw new IllegalArgumentException(modulePath);
            linears.put(modulePath, replacement);
        }

        @Override
        public List<Parameter> parameters() {
            List<Parameter> out = new ArrayList<>();
            for (LinearLayer l : linears.values()) out.addAll(l.parameters());
            out.add(norm);
            return out;
        }
    }
}
