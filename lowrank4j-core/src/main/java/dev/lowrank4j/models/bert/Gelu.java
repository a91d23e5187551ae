package dev.lowrank4j.models.bert;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

/**
 * Exact GELU as in BERT's {@code hidden_act="gelu"}: y = x·Φ(x) (the erf form, not the tanh
 * approximation). Backward: dx = dy · (Φ(x) + x·φ(x)).
 *
 * <p>Keeps a reference to its input (the intermediate dense layer's output) for backward.
 */
public final class Gelu {
    /** Rows per parallel task: enough work per task to amortise the hand-off. */
    private static final int ELEMENTS_PER_TASK = 1 << 14;
    private static final int LANES = GaussianCdf.SPECIES.length();

    private Tensor input;
    private Tensor output;
    private Tensor inputGrad;

    /** x [N, D] → [N, D] (layer-owned, valid until the next forward). */
    public Tensor forward(Tensor x) {
        output = Buffers.matrix(output, x.dim(0), x.dim(1));
        float[] xs = x.data, y = output.data;
        chunks(xs.length, (lo, hi) -> {
            int i = lo;
            for (; i <= hi - LANES; i += LANES) {
                FloatVector v = FloatVector.fromArray(GaussianCdf.SPECIES, xs, i);
                v.mul(GaussianCdf.cdf(v)).intoArray(y, i);
            }
            for (; i < hi; i++) y[i] = xs[i] * GaussianCdf.cdf(xs[i]);
        });
        input = x;
        return output;
    }

    /** dy → dx (layer-owned, valid until the next backward). */
    public Tensor backward(Tensor dy) {
        Checks.forwardDone("gelu", input);
        if (!dy.sameShape(input.shape())) throw new IllegalArgumentException("gelu: dy shape differs from forward");
        inputGrad = Buffers.matrix(inputGrad, dy.dim(0), dy.dim(1));
        float[] xs = input.data, g = dy.data, dx = inputGrad.data;
        chunks(xs.length, (lo, hi) -> {
            int i = lo;
            for (; i <= hi - LANES; i += LANES) {
                FloatVector v = FloatVector.fromArray(GaussianCdf.SPECIES, xs, i);
                FloatVector slope = GaussianCdf.cdf(v).add(v.mul(GaussianCdf.density(v)));
                slope.mul(FloatVector.fromArray(GaussianCdf.SPECIES, g, i)).intoArray(dx, i);
            }
            for (; i < hi; i++) dx[i] = g[i] * (GaussianCdf.cdf(xs[i]) + xs[i] * GaussianCdf.density(xs[i]));
        });
        return inputGrad;
    }

    @FunctionalInterface
    private interface Range {
        void run(int lo, int hi);
    }

    private static void chunks(int n, Range body) {
        int tasks = Math.max(1, Math.min(Parallel.threads(), n / ELEMENTS_PER_TASK));
        if (tasks == 1) {
            body.run(0, n);
            return;
        }
        // Chunk edges on whole vectors so each task's tail loop is short.
        int per = (n / tasks + LANES - 1) / LANES * LANES;
        Parallel.forEach(tasks, t -> body.run(Math.min(n, t * per), t == tasks - 1 ? n : Math.min(n, (t + 1) * per)));
    }

    public long activationBytes() {
        return Buffers.bytes(output);
    }
}
