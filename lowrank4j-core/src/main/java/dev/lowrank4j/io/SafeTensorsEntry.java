package dev.lowrank4j.io;

import java.util.Arrays;

/**
 * One tensor as the header describes it. {@code begin}/{@code end} are byte offsets relative to the
 * start of the data section (the byte right after the header), end exclusive, exactly as stored in
 * {@code data_offsets}.
 */
public record SafeTensorsEntry(String name, SafeTensorsDtype dtype, int[] shape, long begin, long end) {

    public SafeTensorsEntry {
        // Records hand out their components; copy so callers can't mutate what the file was validated against.
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Element count; a rank-0 tensor (shape []) is a scalar holding one element. */
    public long numel() {
        long n = 1;
        for (int d : shape) n *= d; // cannot overflow: the header validator already checked this product
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafeTensorsEntry e && name.equals(e.name) && dtype == e.dtype
                && Arrays.equals(shape, e.shape) && begin == e.begin && end == e.end;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape) + Long.hashCode(begin);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " bytes " + begin + ".." + end;
    }
}
