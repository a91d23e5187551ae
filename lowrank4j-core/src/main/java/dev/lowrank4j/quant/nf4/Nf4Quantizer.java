package dev.lowrank4j.quant.nf4;

import dev.lowrank4j.quant.FiniteValues;
import dev.lowrank4j.quant.Shapes2d;
import java.util.Arrays;

/** Quantization to NF4, a port of bitsandbytes' reference backend (see {@link Blockwise}). */
final class Nf4Quantizer {
    private Nf4Quantizer() {}

    static Nf4Tensor quantize(float[] x, int[] shape, Nf4Options options, String what) {
        if (Shapes2d.numel(shape) != x.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + x.length + " values");
        }
        FiniteValues.require(x, what);
        int bs = options.blocksize();
        float[] absmax = Blockwise.absmax(x, bs);
        byte[] index = new byte[x.length];
        Blockwise.indices(x, absmax, bs, Nf4Code.CODE, index);
        byte[] packed = new byte[Nf4Tensor.packedBytes(x.length)];
        for (int t = 0; t < packed.length; t++) {
            int second = 2 * t + 1 < x.length ? index[2 * t + 1] : Nf4Code.ZERO_INDEX;
            packed[t] = (byte) (index[2 * t] << 4 | second);
        }
        Nf4Scales scales = options.doubleQuant()
                ? doubleQuantize(absmax, mean(absmax), DynamicMap.VALUES)
                : new Nf4Scales.Plain(absmax);
        return new Nf4Tensor(shape, bs, packed, scales);
    }

    /**
     * bitsandbytes' compress_statistics: absmax − offset quantized blockwise (blocks of
     * {@link Nf4Options#NESTED_BLOCKSIZE}) against an 8-bit map.
     */
    static Nf4Scales.DoubleQuantized doubleQuantize(float[] absmax, float offset, float[] map) {
        float[] centered = new float[absmax.length];
        for (int i = 0; i < absmax.length; i++) centered[i] = absmax[i] - offset;
        int nbs = Nf4Options.NESTED_BLOCKSIZE;
        float[] nested = Blockwise.absmax(centered, nbs);
        byte[] q = new byte[absmax.length];
        Blockwise.indices(centered, nested, nbs, new SortedCode(map), q);
        return new Nf4Scales.DoubleQuantized(q, nested, offset, map, nbs);
    }

    /**
     * The offset: the mean of the absmax values, summed in double and rounded once. bitsandbytes
     * takes torch's float32 mean, whose last bit depends on torch's summation order (and differs
     * between CPU and GPU); the offset is stored with the tensor, so either choice dequantizes
     * consistently.
     */
    static float mean(float[] x) {
        if (x.length == 0) return 0f;
        double s = 0;
        for (float v : x) s += v;
        return (float) (s / x.length);
    }
}
