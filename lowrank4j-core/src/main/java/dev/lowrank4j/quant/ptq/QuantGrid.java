package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;

/**
 * A per-output-channel asymmetric uniform b-bit grid: row i of a weight [out, in] is stored as
 * codes Q ∈ {0, …, 2^b − 1} with Ŵ = scale_i·(Q − zeroPoint_i). The zero point is an integer and
 * stays fixed once chosen; FlexRound and LRQ learn the scale but never the zero point
 * (ALGORITHMS §5(h)).
 *
 * <p>{@code scaleOf} and {@code zeroPointOf} are the authors' {@code calculate_qparams} in float32 and in
 * their operation order, so a range found by {@link LpGridSearch} maps to the same (scale, zero point)
 * as theirs:
 * <pre>
 *   lo = min(min, 0)   hi = max(max, 0)                the range always contains 0
 *   scale = max((hi − lo) / (2^b − 1), 1e-8)           an all-zero row gets the 1e-8 floor
 *   zeroPoint = clamp(−round_half_even(lo / scale), 0, 2^b − 1)
 * </pre>
 */
public record QuantGrid(int bits, float[] scales, int[] zeroPoints) {
    /** The floor on a step size (the authors' {@code eps}), so a constant-zero row still divides. */
    public static final float MIN_SCALE = 1e-8f;
    public static final int MIN_BITS = 2;
    public static final int MAX_BITS = 8;

    public QuantGrid {
        checkBits(bits);
        if (scales.length != zeroPoints.length) {
            throw new IllegalArgumentException(scales.length + " scales but " + zeroPoints.length + " zero points");
        }
    }

    /** The one-line error for a bit width the codes (one byte each) and the authors' assert do not allow. */
    public static void checkBits(int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new Lowrank4jException("quantization bits must be between " + MIN_BITS + " and " + MAX_BITS
                    + ", got " + bits);
        }
    }

    /** Plain per-row min/max widened to include 0 (the authors' grid with {@code clipping=False}). */
    public static QuantGrid minMax(String name, Tensor w, int bits) {
        checkBits(bits);
        int out = WeightRows.rows(name, w), in = w.dim(1);
        float[] scales = new float[out];
        int[] zeros = new int[out];
        for (int i = 0; i < out; i++) {
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < in; j++) {
                float v = w.data[i * in + j];
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            scales[i] = scaleOf(min, max, bits);
            zeros[i] = zeroPointOf(min, scales[i], bits);
        }
        return new QuantGrid(bits, scales, zeros);
    }

    /** Rows covered. */
    public int rows() {
        return scales.length;
    }

    /** 2^b, the number of codes. */
    public int levels() {
        return 1 << bits;
    }

    /** The grid step for the range [min, max] widened to include 0. */
    static float scaleOf(float min, float max, int bits) {
        float lo = Math.min(min, 0f), hi = Math.max(max, 0f);
        return Math.max((hi - lo) / (float) ((1 << bits) - 1), MIN_SCALE);
    }

    /** The zero point of the range whose low end is {@code min}, on a grid of step {@code scale}. */
    static int zeroPointOf(float min, float scale, int bits) {
        float lo = Math.min(min, 0f);
        float zero = 0f - (float) Math.rint(lo / scale);
        return (int) Math.min(Math.max(zero, 0f), (float) ((1 << bits) - 1));
    }
}
