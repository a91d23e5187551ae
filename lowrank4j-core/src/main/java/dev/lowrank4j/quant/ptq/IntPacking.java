package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.quant.intq.IntOptions;
import dev.lowrank4j.quant.intq.IntTensor;

/**
 * Puts the codes of a {@link QuantizedWeight} into the packed integer storage the fused kernels run
 * ({@link IntTensor}, per-row asymmetric scale and zero point): 2–4-bit codes two per byte (a 3-bit
 * code sits in a 4-bit nibble, so W3 costs the memory of W4), 5–8-bit codes one per byte. The
 * dequantized values are the same floats, scale·(code − zero), bit for bit.
 */
public final class IntPacking {
    private IntPacking() {}

    /** The bits per stored code: 4 for b ≤ 4, 8 otherwise. */
    public static int storageBits(int bits) {
        QuantGrid.checkBits(bits);
        return bits <= 4 ? 4 : 8;
    }

    public static IntTensor pack(QuantizedWeight q) {
        int storage = storageBits(q.bits());
        int n = q.out() * q.in();
        byte[] codes = new byte[storage == 8 ? n : (n + 1) / 2];
        for (int i = 0; i < n; i++) {
            int c = q.codes()[i] & 0xFF;
            if (storage == 8) codes[i] = (byte) c;
            else codes[i >> 1] |= (byte) ((i & 1) == 0 ? c << 4 : c);
        }
        byte[] zeros = new byte[q.out()];
        for (int i = 0; i < q.out(); i++) zeros[i] = (byte) q.zeroPoints()[i];
        return new IntTensor(new int[] {q.out(), q.in()}, new IntOptions(storage, IntOptions.WHOLE_ROW, false), codes,
                q.scales().clone(), zeros);
    }
}
