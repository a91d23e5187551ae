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
}
