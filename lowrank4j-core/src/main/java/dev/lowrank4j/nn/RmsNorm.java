package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.ExactRepeatableMath;
import dev.lowrank4j.kernels.Lanes;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Root-mean-square norm as in transformers' LlamaRMSNorm: y = w ⊙ (x · r) with
 * r = 1/sqrt(mean(x²) + eps) per row, computed in float32 and multiplied by the weight last
 * (the same rounding order as the reference).
 *
 * <p>Backward, with g = w ⊙ dy: dx = r·g − x · r³ · (g·x) / D and dw += Σ_rows dy ⊙ (x·r).
 */
public final class RmsNorm {
    /** Below this many elements a row loop is cheaper than handing work to the pool. */
    private static final int PARALLEL_MIN_ELEMENTS = 1 << 15;
    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = SPECIES.length();

    private final Parameter weight;
    private final int dim;
    private final float eps;

    private Tensor input;
    private float[] invRms;
    private Tensor output;
    private Tensor inputGrad;

    public RmsNorm(Parameter weight, double eps) {
        if (weight.value().rank() != 1) throw new IllegalArgumentException(weight.name() + ": norm weight must be [dim]");
        this.weight = weight;
        this.dim = weight.value().dim(0);
        this.eps = (float) eps;
    }

    public Parameter weight() {
        return weight;
    }

    /** Returns [N, dim]; layer-owned, valid until the next forward. Keeps a reference to x. */
    public Tensor forward(Tensor x) {
        int n = Shapes.rowsWithColumns(weight.name(), x, dim);
        output = Buffers.matrix(output, n, dim);
        invRms = Buffers.array(invRms, n);
        float[] xs = x.data, y = output.data, w = weight.data(), r = invRms;
        forRows(n, row -> {
            int off = row * dim;
            float meanSquare = VectorMath.dot(xs, off, xs, off, dim) / dim;
            float inv = (float) (1.0 / Math.sqrt(meanSquare + eps));
            r[row] = inv;
            scaleThenMultiply(xs, off, inv, w, y, dim);
        });
        input = x;
        return output;
    }

    /** Returns dx; layer-owned, valid until the next backward. */
    public Tensor backward(Tensor dy) {
        int n = checkBackward(dy);
        inputGrad = Buffers.matrix(inputGrad, n, dim);
        inputGrad(dy, inputGrad, false);
        weightGrad(dy);
        return inputGrad;
    }

    /**
     * Adds dx into {@code accumulator} instead of returning it: a residual connection needs exactly
     * this sum, and skipping the separate buffer saves a pass over the activations.
     */
    public void backwardInto(Tensor dy, Tensor accumulator) {
        int n = checkBackward(dy);
        if (!accumulator.sameShape(n, dim)) throw new IllegalArgumentException(weight.name() + ": accumulator shape");
        inputGrad(dy, accumulator, true);
        weightGrad(dy);
    }

    private int checkBackward(Tensor dy) {
        Shapes.requireForward(weight.name(), input);
        int n = Shapes.rowsWithColumns(weight.name(), dy, dim);
        if (n != input.dim(0)) throw new IllegalArgumentException(weight.name() + ": dy rows differ from forward");
        return n;
    }

    private void inputGrad(Tensor dy, Tensor dst, boolean accumulate) {
        float[] xs = input.data, g = dy.data, w = weight.data(), r = invRms, dx = dst.data;
        forRows(dy.dim(0), row -> {
            int off = row * dim;
            float inv = r[row];
            float gx = weightedDot(w, g, xs, off, dim);
            float coef = inv * inv * inv * gx / dim;
            inputGradRow(w, g, xs, dx, off, dim, inv, coef, accumulate);
        });
    }

    private void weightGrad(Tensor dy) {
        if (weight.grad() == null) return;
        float[] xs = input.data, g = dy.data, r = invRms, dw = weight.grad().data;
        // Row order is fixed so the sum is the same for any thread count.
        for (int row = 0, rows = dy.dim(0); row < rows; row++) {
            int off = row * dim;
            float inv = r[row];
            int j = 0;
            for (; j <= dim - LANES; j += LANES) {
                FloatVector normed = FloatVector.fromArray(SPECIES, xs, off + j).mul(inv);
                FloatVector.fromArray(SPECIES, g, off + j).mul(normed).add(FloatVector.fromArray(SPECIES, dw, j))
                        .intoArray(dw, j);
            }
            for (; j < dim; j++) dw[j] += g[off + j] * (xs[off + j] * inv);
        }
    }

    /** y = w ⊙ (x · inv), rounding x·inv first as the reference does. */
    private static void scaleThenMultiply(float[] xs, int off, float inv, float[] w, float[] y, int dim) {
        int j = 0;
        for (; j <= dim - LANES; j += LANES) {
            FloatVector.fromArray(SPECIES, xs, off + j).mul(inv).mul(FloatVector.fromArray(SPECIES, w, j))
                    .intoArray(y, off + j);
        }
        for (; j < dim; j++) y[off + j] = w[j] * (xs[off + j] * inv);
    }

    /** Σ w ⊙ g ⊙ x over one row. */
    private static float weightedDot(float[] w, float[] g, float[] xs, int off, int dim) {
        int j = 0;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (; j <= dim - LANES; j += LANES) {
            acc = FloatVector.fromArray(SPECIES, w, j).mul(FloatVector.fromArray(SPECIES, g, off + j))
                    .fma(FloatVector.fromArray(SPECIES, xs, off + j), acc);
        }
        float sum = Lanes.sum(acc);
        for (; j < dim; j++) sum += w[j] * g[off + j] * xs[off + j];
        return sum;
    }

    /** dx = inv·(w ⊙ g) − coef·x, written or added. */
    private static void inputGradRow(float[] w, float[] g, float[] xs, float[] dx, int off, int dim,
                                     float inv, float coef, boolean accumulate) {
        int j = 0;
        for (; j <= dim - LANES; j += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, w, j).mul(FloatVector.fromArray(SPECIES, g, off + j)).mul(inv)
                    .sub(FloatVector.fromArray(SPECIES, xs, off + j).mul(coef));
            if (accumulate) v = v.add(FloatVector.fromArray(SPECIES, dx, off + j));
            v.intoArray(dx, off + j);
        }
        for (; j < dim; j++) {
            float v = inv * w[j] * g[off + j] - coef * xs[off + j];
            dx[off + j] = accumulate ? dx[off + j] + v : v;
        }
    }

    private void forRows(int n, java.util.function.IntConsumer body) {
        if ((long) n * dim >= PARALLEL_MIN_ELEMENTS) Parallel.forEach(n, body);
        else for (int row = 0; row < n; row++) body.accept(row);
    }

    public long activationBytes() {
        return Buffers.bytes(output) + Buffers.bytes(invRms) + Buffers.bytes(inputGrad);
    }
}
