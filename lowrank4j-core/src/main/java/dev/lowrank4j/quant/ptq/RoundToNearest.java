package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.tensor.Tensor;

/**
 * Round-to-nearest (RTN) on a fixed grid, the baseline both learned methods start from:
 * <pre>
 *   Q = clamp(round_half_even(W / s1) + z, 0, 2^b − 1)        Ŵ = s1·(Q − z)
 * </pre>
 * Half-to-even because the authors' {@code torch.round} rounds that way; {@link Math#rint} is the
 * same rule on the float quotient.
 */
public final class RoundToNearest {
    private RoundToNearest() {}

    public static QuantizedWeight quantize(String name, Tensor w, QuantGrid grid) {
        int out = WeightRows.rows(name, w), in = w.dim(1);
        if (grid.rows() != out) {
            throw new IllegalArgumentException(name + ": grid has " + grid.rows() + " rows, weight " + out);
        }
        float top = (float) (grid.levels() - 1);
        byte[] codes = new byte[out * in];
        for (int i = 0; i < out; i++) {
            float s = grid.scales()[i], z = grid.zeroPoints()[i];
            for (int j = 0; j < in; j++) {
                float q = Math.min(Math.max((float) Math.rint(w.data[i * in + j] / s) + z, 0f), top);
                codes[i * in + j] = (byte) (int) q;
            }
        }
        return new QuantizedWeight(out, in, grid.bits(), codes, grid.scales().clone(), grid.zeroPoints().clone());
    }
}
