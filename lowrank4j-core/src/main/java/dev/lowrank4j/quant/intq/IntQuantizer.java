package dev.lowrank4j.quant.intq;

import dev.lowrank4j.quant.Shapes2d;

/**
 * Round-to-nearest affine quantization (ties to even, as torch.round) of finite values, one group
 * at a time. Scales are clamped to at least {@link Float#MIN_NORMAL} so that an all-zero (or
 * subnormal) group still divides safely and stays exact at 0.
 */
final class IntQuantizer {
    private IntQuantizer() {}

    static IntTensor quantize(float[] x, int[] shape, IntOptions o) {
        int rows = Shapes2d.rows(shape), cols = Shapes2d.cols(shape);
        int g = o.groupLength(cols), groupsPerRow = (int) (((long) cols + g - 1) / g);
        float[] scales = new float[rows * groupsPerRow];
        byte[] zeros = o.symmetric() ? null : new byte[scales.length];
        byte[] codes = new byte[CodeStream.arrayBytesFor(x.length, o.bits())];
        int maxCode = o.maxCode();
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < groupsPerRow; k++) {
                int start = r * cols + k * g, end = r * cols + Math.min(cols, (k + 1) * g);
                int group = r * groupsPerRow + k;
                float scale;
                int zero, lo, hi;
                if (o.symmetric()) {
                    float absmax = 0f;
                    for (int i = start; i < end; i++) absmax = Math.max(absmax, Math.abs(x[i]));
                    int qmax = o.symmetricZero() - 1;
                    scale = Math.max(absmax / qmax, Float.MIN_NORMAL);
                    zero = o.symmetricZero();
                    lo = zero - qmax;
                    hi = zero + qmax;
                } else {
                    float min = 0f, max = 0f; // the range always contains 0, so 0 is a code
                    for (int i = start; i < end; i++) {
                        min = Math.min(min, x[i]);
                        max = Math.max(max, x[i]);
                    }
                    scale = Math.max((max - min) / maxCode, Float.MIN_NORMAL);
                    zero = clamp((int) Math.rint(-min / scale), 0, maxCode);
                    zeros[group] = (byte) zero;
                    lo = 0;
                    hi = maxCode;
                }
                scales[group] = scale;
                for (int i = start; i < end; i++) CodeStream.put(codes, i, o.bits(), clamp((int) Math.rint(x[i] / scale) + zero, lo, hi));
            }
        }
        return new IntTensor(shape, o, codes, scales, zeros);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
