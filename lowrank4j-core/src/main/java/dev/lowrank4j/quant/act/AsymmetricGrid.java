package dev.lowrank4j.quant.act;

/**
 * Fake quantization of activations on an asymmetric b-bit grid: the range [min, max] widened to
 * include 0, scale = (max − min)/(2^b − 1), zero = round(−min/scale), x ↦ scale·(clamp(round(x/scale)
 * + zero, 0, 2^b − 1) − zero), rounding half to even as torch.round. The same map as the weights'
 * min/max grid, so 0 stays exact.
 */
final class AsymmetricGrid {
    private static final float MIN_SCALE = 1e-8f;

    private AsymmetricGrid() {}

    static float scale(float min, float max, int bits) {
        float lo = Math.min(min, 0f), hi = Math.max(max, 0f);
        return Math.max((hi - lo) / ((1 << bits) - 1), MIN_SCALE);
    }

    static int zero(float min, float scale, int bits) {
        float lo = Math.min(min, 0f);
        return (int) Math.min(Math.max(-Math.rint(lo / scale), 0), (1 << bits) - 1);
    }

    /** Rounds x[from, from + n) onto the grid (scale, zero) into y. */
    static void apply(float[] x, float[] y, int from, int n, float scale, int zero, int bits) {
        float top = (1 << bits) - 1;
        for (int i = from, end = from + n; i < end; i++) {
            float q = Math.min(Math.max((float) Math.rint(x[i] / scale) + zero, 0f), top);
            y[i] = (q - zero) * scale;
        }
    }

    /** Each row of x [rows, cols] on its own min/max grid. */
    static void perRow(float[] x, float[] y, int rows, int cols, int bits) {
        for (int r = 0; r < rows; r++) {
            float min = 0f, max = 0f;
            for (int j = r * cols, end = j + cols; j < end; j++) {
                min = Math.min(min, x[j]);
                max = Math.max(max, x[j]);
            }
            float s = scale(min, max, bits);
            apply(x, y, r * cols, cols, s, zero(min, s, bits), bits);
        }
    }
}
