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
}
