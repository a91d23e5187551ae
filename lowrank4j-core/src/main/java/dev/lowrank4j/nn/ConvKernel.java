package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;

/**
 * The dense kernel of a {@link Conv2d} as a linear layer over patch rows: the weight is stored
 * [out, in, k, k] (PyTorch's Conv2d layout, so checkpoints line up) and, being row-major, is the
 * same memory as the matrix [out, in·k·k] that multiplies im2col patches: y = patches·Wᵀ + b.
 *
 * <p>The products are {@link Linear}'s, on the flattened view. It is a class of its own only
 * because Linear requires a 2-D weight; once a Linear can hold a weight of any shape viewed as
 * [out, rest] this class can go. Being a {@link LinearLayer}, it is what a low-rank method
 * replaces to make a low-rank convolution (DLRT factorises exactly this [out, in·k·k] matrix).
 */
public final class ConvKernel implements LinearLayer {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;

    private Tensor input;
    private Tensor output;
    private Tensor inputGrad;

    /** A kernel over an existing weight [out, in, k, k] and an optional bias [out] ({@code bias} may be null). */
    public ConvKernel(Parameter weight, Parameter bias) {
        int[] s = weight.value().shape();
        if (s.length != 4 || s[2] != s[3]) {
            throw new IllegalArgumentException(weight.name() + ": a convolution kernel must be [out, in, k, k], got "
                    + java.util.Arrays.toString(s));
        }
        this.weight = weight;
        this.bias = bias;
        this.out = s[0];
        this.in = s[1] * s[2] * s[3];
        if (bias != null && !bias.value().sameShape(out)) {
            throw new IllegalArgumentException(bias.name() + ": a bias must be [" + out + "]");
        }
    }

    /** A zero-initialised kernel named after its module path ({@code path.weight}, {@code path.bias}). */
    public static ConvKernel create(String modulePath, int inChannels, int outChannels, int kernel, boolean withBias) {
        Parameter w = new Parameter(modulePath + ".weight", Tensor.zeros(outChannels, inChannels, kernel, kernel));
        Parameter b = withBias ? new Parameter(modulePath + ".bias", Tensor.zeros(outChannels)) : null;
        return new ConvKernel(w, b);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the kernel has none. */
    public Parameter bias() {
        return bias;
    }

    /** in·k·k: the length of one patch row. */
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
    public Tensor forward(Tensor patches) {
        int n = Shapes.rowsWithColumns(weight.name(), patches, in);
        output = Buffers.matrix(output, n, out);
        Gemm.sgemm(false, true, n, out, in, 1f, patches.data, 0, in, weight.data(), 0, in, 0f, output.data, 0, out);
        if (bias != null) {
            float[] b = bias.data(), y = output.data;
            for (int r = 0; r < n; r++) VectorMath.addInPlace(y, r * out, b, 0, out);
        }
        input = patches;
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        accumulateParameterGradients(dy);
        int n = dy.dim(0);
        inputGrad = Buffers.matrix(inputGrad, n, in); // dpatches = dy·W
        Gemm.sgemm(false, false, n, in, out, 1f, dy.data, 0, out, weight.data(), 0, in, 0f, inputGrad.data, 0, in);
        return inputGrad;
    }

    @Override
    public void backwardParametersOnly(Tensor dy) {
        accumulateParameterGradients(dy);
    }

    private void accumulateParameterGradients(Tensor dy) {
        Shapes.requireForward(weight.name(), input);
        int n = Shapes.rowsWithColumns(weight.name(), dy, out);
        if (n != input.dim(0)) throw new IllegalArgumentException(weight.name() + ": dy rows differ from forward");
        if (weight.grad() != null) { // dW += dyᵀ·patches
            Gemm.sgemm(true, false, out, in, n, 1f, dy.data, 0, out, input.data, 0, in,
                    1f, weight.grad().data, 0, in);
        }
        if (bias != null && bias.grad() != null) {
            float[] db = bias.grad().data;
            for (int r = 0; r < n; r++) VectorMath.addInPlace(db, 0, dy.data, r * out, out);
        }
    }

    @Override
    public long activationBytes() {
        return Buffers.bytes(output);
    }

    @Override
    public String toString() {
        return "ConvKernel(" + weight.name() + ", " + java.util.Arrays.toString(weight.value().shape())
                + (bias != null ? ", bias" : "") + ")";
    }
}
