package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.quant.intq.CodeStream;
import dev.lowrank4j.quant.intq.IntOptions;
import dev.lowrank4j.quant.intq.IntTensor;

/**
 * Puts the codes of a {@link QuantizedWeight} into the packed integer storage the fused kernels run
 * ({@link IntTensor}, per-row asymmetric scale and zero point), b bits per code ({@link CodeStream}:
 * W3 takes 3/8 of a byte per weight, W4 half a byte). The dequantized values are the same floats,
 * scale·(code − zero), bit for bit.
 */
public final class IntPacking {
    private IntPacking() {}

    /** The bits per stored code that {@link #pack} writes: b itself. */
    public static int storageBits(int bits) {
        QuantGrid.checkBits(bits);
        return bits;
    }

    /**
     * Whether a folder may hold b-bit codes in {@code storage}-bit slots: b itself, or the widths
     * of format version 1 before true b-bit packing (4 for b ≤ 4, 8 above), which still load.
     */
    public static boolean readableStorage(int bits, int storage) {
        QuantGrid.checkBits(bits);
        return storage == bits || storage == (bits <= 4 ? 4 : 8);
    }

    public static IntTensor pack(QuantizedWeight q) {
        int bits = storageBits(q.bits());
        int n = q.out() * q.in();
        byte[] codes = new byte[CodeStream.arrayBytesFor(n, bits)];
        for (int i = 0; i < n; i++) CodeStream.put(codes, i, bits, q.codes()[i] & 0xFF);
        byte[] zeros = new byte[q.out()];
        for (int i = 0; i < q.out(); i++) zeros[i] = (byte) q.zeroPoints()[i];
        return new IntTensor(new int[] {q.out(), q.in()}, new IntOptions(bits, IntOptions.WHOLE_ROW, false), codes,
                q.scales().clone(), zeros);
    }
}
