package dev.lowrank4j.nn.storage;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

/**
 * W as a float32 {@link Parameter} [out, in]: every product is one GEMM on the stored layout
 * (nothing is transposed by copying), and the parameter may be shared (a tied LM head uses the
 * embedding's weight).
 */
public final class DenseWeights implements WeightStorage {
    private final Parameter weight;
    private final int out;
    private final int in;

    public DenseWeights(Parameter weight) {
        if (weight.value().rank() != 2) {
            throw new IllegalArgumentException(weight.name() + ": a linear weight must be [out, in]");
        }
        this.weight = weight;
        this.out = weight.value().dim(0);
        this.in = weight.value().dim(1);
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public void forward(float[] x, int n, float[] y) {
        forward(weight.data(), out, in, x, n, y);
    }

    @Override
    public void backwardInput(float[] dy, int n, float[] dx, boolean accumulate) {
        backwardInput(weight.data(), out, in, dy, n, dx, accumulate);
    }

    /** y [n, out] = x [n, in] · wᵀ for a float w [out, in]: the product every float storage runs. */
    public static void forward(float[] w, int out, int in, float[] x, int n, float[] y) {
        Gemm.sgemm(false, true, n, out, in, 1f, x, 0, in, w, 0, in, 0f, y, 0, out);
    }

    /** dx [n, in] (+)= dy [n, out] · w for a float w [out, in]. */
    public static void backwardInput(float[] w, int out, int in, float[] dy, int n, float[] dx, boolean accumulate) {
        Gemm.sgemm(false, false, n, in, out, 1f, dy, 0, out, w, 0, in, accumulate ? 1f : 0f, dx, 0, in);
    }

    @Override
    public Parameter parameter() {
        return weight;
    }

    @Override
    public void accumulateWeightGradient(float[] dy, float[] x, int n) {
        if (weight.grad() == null) return;
        Gemm.sgemm(true, false, out, in, n, 1f, dy, 0, out, x, 0, in, 1f, weight.grad().data, 0, in);
    }

    @Override
    public void addLowRank(float factor, float[] b, float[] a, int r) {
        Gemm.sgemm(false, false, out, in, r, factor, b, 0, r, a, 0, in, 1f, weight.data(), 0, in);
    }

    @Override
    public Tensor dequantize() {
        return new Tensor(weight.data().clone(), out, in);
    }

    @Override
    public void assign(float[] w) {
        if (w.length != out * in) throw new IllegalArgumentException(weight.name() + ": expected " + out * in + " values");
        System.arraycopy(w, 0, weight.data(), 0, w.length);
    }

    @Override
    public String kind() {
        return "fp32";
    }
}
