package dev.lowrank4j.models.bert;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.VectorMath;
import dev.lowrank4j.tensor.Tensor;

import java.util.function.IntConsumer;

/**
 * torch.nn.LayerNorm over the last dimension with weight and bias: y = w ⊙ x̂ + b, with
 * x̂ = (x − mean) · r and r = 1/sqrt(var + eps), var the biased (1/D) variance. Mean and variance are
 * accumulated in double so long rows lose nothing to cancellation.
 *
 * <p>Backward, with g = w ⊙ dy: dx = r · (g − mean(g) − x̂ · mean(g ⊙ x̂)), dw += Σ_rows dy ⊙ x̂,
 * db += Σ_rows dy.
 */
public final class LayerNorm {
    /** Below this many elements a plain row loop is cheaper than handing work to the pool. */
    private static final int PARALLEL_MIN_ELEMENTS = 1 << 15;

    private final Parameter weight;
    private final Parameter bias;
    private final int dim;
    private final double eps;

    private float[] normalized; // x̂, kept for backward
    private float[] invStd;
    private Tensor output;
    private Tensor inputGrad;

    public LayerNorm(Parameter weight, Parameter bias, double eps) {
        if (weight.value().rank() != 1 || !bias.value().sameShape(weight.value().shape())) {
            throw new IllegalArgumentException(weight.name() + ": LayerNorm weight and bias must both be [dim]");
        }
        this.weight = weight;
        this.bias = bias;
        this.dim = weight.value().dim(0);
        this.eps = eps;
    }

    /** A LayerNorm at {@code modulePath} with weight 1 and bias 0 (transformers' initialisation). */
    public static LayerNorm create(String modulePath, int dim, double eps) {
        Parameter w = new Parameter(modulePath + ".weight", Tensor.zeros(dim));
        java.util.Arrays.fill(w.data(), 1f);
        return new LayerNorm(w, new Parameter(modulePath + ".bias", Tensor.zeros(dim)), eps);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    /** x [N, dim] → y [N, dim]; y is layer-owned and valid until the next forward. */
    public Tensor forward(Tensor x) {
        int n = Checks.rows(weight.name(), x, dim);
        output = Buffers.matrix(output, n, dim);
        normalized = Buffers.array(normalized, n * dim);
        invStd = Buffers.array(invStd, n);
        float[] xs = x.data, xh = normalized, y = output.data, w = weight.data(), b = bias.data(), r = invStd;
        forRows(n, row -> {
            int off = row * dim;
            double sum = 0;
            for (int j = 0; j < dim; j++) sum += xs[off + j];
            double mean = sum / dim, squares = 0;
            for (int j = 0; j < dim; j++) {
                double d = xs[off + j] - mean;
                squares += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(squares / dim + eps));
            float m = (float) mean;
            r[row] = inv;
            for (int j = 0; j < dim; j++) {
                float v = (xs[off + j] - m) * inv;
                xh[off + j] = v;
                y[off + j] = v * w[j] + b[j];
            }
        });
        return output;
    }

    /** dy [N, dim] → dx [N, dim] (layer-owned, valid until the next backward); adds dw and db. */
    public Tensor backward(Tensor dy) {
        Checks.forwardDone(weight.name(), output);
        int n = Checks.rows(weight.name(), dy, dim);
        if (n != output.dim(0)) throw new IllegalArgumentException(weight.name() + ": dy rows differ from forward");
        inputGrad = Buffers.matrix(inputGrad, n, dim);
        float[] g = dy.data, xh = normalized, w = weight.data(), r = invStd, dx = inputGrad.data;
        forRows(n, row -> {
            int off = row * dim;
            double sumG = 0, sumGx = 0;
            for (int j = 0; j < dim; j++) {
                double gj = (double) w[j] * g[off + j];
                sumG += gj;
                sumGx += gj * xh[off + j];
            }
            float meanG = (float) (sumG / dim), meanGx = (float) (sumGx / dim), inv = r[row];
            for (int j = 0; j < dim; j++) {
                dx[off + j] = inv * (w[j] * g[off + j] - meanG - xh[off + j] * meanGx);
            }
        });
        // Rows in a fixed order, so the sums are identical for any thread count.
        if (weight.grad() != null) {
            float[] dw = weight.grad().data;
            for (int row = 0; row < n; row++) {
                int off = row * dim;
                for (int j = 0; j < dim; j++) dw[j] += g[off + j] * xh[off + j];
            }
        }
        if (bias.grad() != null) {
            float[] db = bias.grad().data;
            for (int row = 0; row < n; row++) VectorMath.addInPlace(db, 0, g, row * dim, dim);
        }
        return inputGrad;
    }

    private void forRows(int n, IntConsumer body) {
        if ((long) n * dim >= PARALLEL_MIN_ELEMENTS) Parallel.forEach(n, body);
        else for (int row = 0; row < n; row++) body.accept(row);
    }

    public long activationBytes() {
        return Buffers.bytes(output) + Buffers.bytes(normalized) + Buffers.bytes(invStd);
    }
}
