package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;

/**
 * y = x·Wᵀ + b with W stored [out, in] (PyTorch layout) and an optional bias. All three products
 * (forward, input gradient, weight gradient) are single GEMM calls on the stored layout; nothing
 * is transposed by copying.
 */
public final class Linear implements LinearLayer {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;

    private Tensor input;
    private Tensor output;
    private Tensor inputGrad;

    /** A layer over an existing weight [out, in] (which may be shared, e.g. a tied LM head). */
    public Linear(Parameter weight) {
        this(weight, null);
    }

    /** As {@link #Linear(Parameter)} with a bias [out]; {@code bias} may be null. */
    public Linear(Parameter weight, Parameter bias) {
        if (weight.value().rank() != 2) {
            throw new IllegalArgumentException(weight.name() + ": a linear weight must be [out, in]");
        }
        this.weight = weight;
        this.bias = bias;
        this.out = weight.value().dim(0);
        this.in = weight.value().dim(1);
        if (bias != null && !bias.value().sameShape(out)) {
            throw new IllegalArgumentException(bias.name() + ": a bias must be [" + out + "]");
        }
    }

    /** A zero-initialised layer named after its module path ({@code path.weight}, {@code path.bias}). */
    public static Linear create(String modulePath, int in, int out, boolean withBias) {
        Parameter w = new Parameter(modulePath + ".weight", Tensor.zeros(out, in));
        Parameter b = withBias ? new Parameter(modulePath + ".bias", Tensor.zeros(out)) : null;
        return new Linear(w, b);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public Tensor forward(Tensor x) {
        int n = Shapes.rowsWithColumns(weight.name(), x, in);
        output = Buffers.matrix(output, n, out);
        Gemm.sgemm(false, true, n, out, in, 1f, x.data, 0, in, weight.data(), 0, in, 0f, output.data, 0, out);
        if (bias != null) {
            float[] b = bias.data(), y = output.data;
            for (int r = 0; r < n; r++) VectorMath.addInPlace(y, r * out, b, 0, out);
        }
        input = x;
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Shapes.requireForward(weight.name(), input);
        int n = Shapes.rowsWithColumns(weight.name(), dy, out);
        if (n != input.dim(0)) throw new IllegalArgumentException(weight.name() + ": dy rows differ from forward");
        if (weight.grad() != null) { // dW += dyᵀ·x
            Gemm.sgemm(true, false, out, in, n, 1f, dy.data, 0, out, input.data, 0, in,
                    1f, weight.grad().data, 0, in);
        }
        if (bias != null && bias.grad() != null) {
            float[] db = bias.grad().data;
            for (int r = 0; r < n; r++) VectorMath.addInPlace(db, 0, dy.data, r * out, out);
        }
        inputGrad = Buffers.matrix(inputGrad, n, in); // dx = dy·W
        Gemm.sgemm(false, false, n, in, out, 1f, dy.data, 0, out, weight.data(), 0, in, 0f, inputGrad.data, 0, in);
        return inputGrad;
    }

    @Override
    public long activationBytes() {
        return Buffers.bytes(output);
    }

    @Override
    public String toString() {
        return "Linear(" + weight.name() + ", in=" + in + ", out=" + out + (bias != null ? ", bias" : "") + ")";
    }
}
