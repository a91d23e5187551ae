package dev.lowrank4j.kernels;

/**
 * A matrix W [rows, cols] held in a packed (quantized) format that can hand out float32 pieces of
 * its rows on demand. {@link QuantizedGemm} multiplies with W through this interface, unpacking
 * one small panel at a time, so the float32 W never exists as a whole.
 */
public interface PackedMatrix {
    int rows();

    int cols();

    /**
     * Writes W[row, col .. col+len) as float32 to dst[dstOff ..]. The values must be bit-identical
     * to those of the format's full dequantization, whichever part of a row is asked for.
     */
    void unpackRow(int row, int col, int len, float[] dst, int dstOff);

    /**
     * Σ_p W[row, p]·x[xOff + p] over the whole row: one weight row times one token, the product a
     * decode step is made of. Formats override it to decode in registers and multiply at once
     * (no float copy of the row is stored and read back); this default unpacks the row into
     * {@code scratch} (at least {@link #cols()} long) and takes the dot product there.
     */
    default float dotRow(int row, float[] x, int xOff, float[] scratch) {
        unpackRow(row, 0, cols(), scratch, 0);
        return DirectGemm.dot(scratch, 0, x, xOff, cols());
    }

    /**
     * Whether {@link #dotRowSplit} may be called: formats of two 4-bit codes per byte decode a
     * byte's high nibbles as the even elements and its low nibbles as the odd ones, so with x
     * taken apart the same way once per product a step needs no byte rearrange (a one-thread row
     * dot on Zen 5: INT4 +18%, NF4 +5%; a 130M decode token 15–20% faster, docs/BENCHMARKS.md).
     */
    default boolean splitsInput() {
        return false;
    }

    /**
     * Σ_p W[row, p]·x[p] over the whole row, with x given as {@link #splitInput} wrote it. It adds
     * the products in another order than {@link #dotRow} and the unpack-then-dot of products
     * with 2–8 rows, so a one-token product agrees with those to rounding, not to the bit
     * ({@code PackedDotRowTest} bounds the difference).
     */
    default float dotRowSplit(int row, float[] split) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a split input");
    }

    /** Where element j of a row of n sits in its split input: see {@link #splitInput}. */
    static int splitIndex(int j, int n) {
        return (j & 1) == 0 ? j >> 1 : (n + 1) / 2 + (j >> 1);
    }

    /**
     * x[xOff .. xOff+n) as its even elements in split[0 .. ⌈n/2⌉) then its odd ones in
     * split[⌈n/2⌉ .. n). A row whose first element is a low nibble (odd n, odd rows) finds its
     * even-element codes in the low nibbles and reads the same two runs the other way round.
     */
    static void splitInput(float[] x, int xOff, int n, float[] split) {
        int evens = (n + 1) / 2;
        for (int i = 0; i < evens; i++) split[i] = x[xOff + 2 * i];
        for (int i = 0; i < n / 2; i++) split[evens + i] = x[xOff + 2 * i + 1];
    }
}
