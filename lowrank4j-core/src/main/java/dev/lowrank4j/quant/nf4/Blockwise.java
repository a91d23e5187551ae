package dev.lowrank4j.quant.nf4;

import dev.lowrank4j.quant.CodeLanes;

/**
 * bitsandbytes' blockwise absmax quantization against a sorted code, as its reference backend
 * does it (backends/default/ops.py quantize_blockwise and quantize_4bit), including the quirks a
 * bit-exact port needs:
 * <ul>
 *   <li>full blocks store max|x| unclamped and scale by x·(1/max(absmax, 1e-38));
 *   <li>a trailing partial block stores max(max|x|, 1e-38) and scales by x / absmax;
 *   <li>scaled values are clamped to [−1, 1] and bucketed with {@link SortedCode#index}.
 * </ul>
 */
final class Blockwise {
    /** Smallest absmax divided by (a float32 subnormal, as torch's clamp(min=1e-38) rounds it). */
    static final float MIN_ABSMAX = 1e-38f;

    private Blockwise() {}

    static int blocks(int n, int blocksize) {
        return (int) (((long) n + blocksize - 1) / blocksize);
    }

    /** The stored absmax of every block of x. */
    static float[] absmax(float[] x, int blocksize) {
        int n = x.length, blocks = blocks(n, blocksize), full = n / blocksize;
        float[] out = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            float m = 0f;
            for (int i = b * blocksize, end = Math.min(n, i + blocksize); i < end; i++) m = Math.max(m, Math.abs(x[i]));
            out[b] = b < full ? m : Math.max(m, MIN_ABSMAX);
        }
        return out;
    }

    /**
     * Writes the code index of every element of x into out (one byte each), given the absmax of
     * {@link #absmax}. Full blocks of a 16-value code go through the vector bucketing when the
     * machine has it (the same float operations, so the same indices).
     */
    static void indices(float[] x, float[] absmax, int blocksize, SortedCode code, byte[] out) {
        int n = x.length, full = n / blocksize;
        boolean vector = CodeLanes.AVAILABLE && code.midpoints().length == 16;
        for (int b = 0; b < absmax.length; b++) {
            int start = b * blocksize, end = Math.min(n, start + blocksize);
            if (b < full) {
                float inv = 1f / Math.max(absmax[b], MIN_ABSMAX);
                int i = start;
                if (vector) for (; i + CodeLanes.LANES <= end; i += CodeLanes.LANES) CodeLanes.bucketize(x, i, inv, code.midpoints(), out);
                for (; i < end; i++) out[i] = (byte) code.index(clamp(x[i] * inv));
            } else {
                float a = absmax[b];
                for (int i = start; i < end; i++) out[i] = (byte) code.index(clamp(x[i] / a));
            }
        }
    }

    private static float clamp(float v) {
        return Math.max(-1f, Math.min(1f, v));
    }
}
