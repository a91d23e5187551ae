package dev.lowrank4j.quant.nf4;

import java.util.Arrays;

/**
 * A sorted table of code values with bitsandbytes' rounding rule: a value maps to the index of the
 * nearest code, found by bucketing it against the float32 mid-points of neighbouring codes; a
 * value exactly on a mid-point takes the lower code ({@code torch.bucketize} with right=False,
 * as in bitsandbytes/backends/default/ops.py).
 */
final class SortedCode {
    private final float[] values;
    /** The size − 1 mid-points, then +∞ so that the search below always halves a power of two. */
    private final float[] midpoints;

    /** @param values sorted, and as many as a power of two (16 or 256 here) */
    SortedCode(float[] values) {
        if (Integer.bitCount(values.length) != 1) throw new IllegalArgumentException("code size " + values.length);
        for (int i = 1; i < values.length; i++) {
            if (!(values[i - 1] <= values[i])) throw new IllegalArgumentException("code not sorted at " + i);
        }
        this.values = values.clone();
        this.midpoints = new float[values.length];
        for (int i = 0; i + 1 < values.length; i++) midpoints[i] = (values[i] + values[i + 1]) / 2f;
        midpoints[values.length - 1] = Float.POSITIVE_INFINITY;
    }

    /** The mid-points (the last entry is +∞); do not modify. */
    float[] midpoints() {
        return midpoints;
    }

    /**
     * Index of the code for v: the number of mid-points strictly below v. A fixed number of
     * halving steps whose outcome only moves an index (compiled to conditional moves), since
     * the data-dependent branches of a binary search mispredict on about every other element.
     */
    int index(float v) {
        int i = 0;
        for (int step = midpoints.length >> 1; step > 0; step >>= 1) {
            i += midpoints[i + step - 1] < v ? step : 0;
        }
        return i;
    }

    /** Largest distance between neighbouring codes. */
    float maxGap() {
        float gap = 0f;
        for (int i = 1; i < values.length; i++) gap = Math.max(gap, values[i] - values[i - 1]);
        return gap;
    }

    @Override
    public String toString() {
        return "SortedCode" + Arrays.toString(values);
    }
}
