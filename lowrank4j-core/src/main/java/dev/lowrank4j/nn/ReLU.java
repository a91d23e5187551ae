package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;

/**
 * y = max(x, 0) element-wise, for a tensor of any shape. Backward needs only the output:
 * dx = dy where y > 0 and 0 elsewhere (so the gradient at exactly 0 is 0, as in PyTorch).
 * Output and dx are the layer's own buffers; the input is left untouched.
 */
public final class ReLU {
    private Tensor output;
    private Tensor inputGrad;

    public Tensor forward(Tensor x) {
        output = Buffers.shaped(output, x.shape());
        float[] in = x.data, y = output.data;
        for (int i = 0; i < y.length; i++) y[i] = Math.max(in[i], 0f);
        return output;
    }

    public Tensor backward(Tensor dy) {
        Shapes.requireForward("relu", output);
        if (!dy.sameShape(output.shape())) {
            throw new IllegalArgumentException("relu: dy must be " + java.util.Arrays.toString(output.shape())
                    + ", got " + java.util.Arrays.toString(dy.shape()));
        }
        inputGrad = Buffers.shaped(inputGrad, output.shape());
        VectorMath.passWherePositive(output.data, dy.data, inputGrad.data, inputGrad.data.length);
        return inputGrad;
    }

    public long activationBytes() {
        return Buffers.bytes(output);
    }
}
