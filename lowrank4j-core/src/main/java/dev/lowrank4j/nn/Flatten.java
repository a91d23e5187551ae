package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;

/**
 * [N, d1, d2, …] → [N, d1·d2·…], as torch.nn.Flatten(start_dim=1). Row-major storage makes this a
 * view: the output shares the input's array (so it is valid exactly as long as the input is), and
 * backward returns a view of dy in the input's shape. Nothing is copied.
 */
public final class Flatten {
    private int[] inputShape;

    public Tensor forward(Tensor x) {
        if (x.rank() < 2) throw new IllegalArgumentException("flatten: expected [N, ...], got " + java.util.Arrays.toString(x.shape()));
        inputShape = x.shape();
        int features = 1;
        for (int i = 1; i < inputShape.length; i++) features *= inputShape[i];
        return x.reshape(inputShape[0], features);
    }

    public Tensor backward(Tensor dy) {
        Shapes.requireForward("flatten", inputShape);
        return dy.reshape(inputShape);
    }
}
