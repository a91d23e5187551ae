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
    private final float[] midpoints;

    SortedCode(float[] values) {
        for (int i = 1; i < values.length; i++) {
            if (!(values[i - 1] <= values[i])) throw new IllegalArgumentException("code not sorted at " + i);
        }
        this.values = values.clone();
        this.midpoints = new float[values.length - 1];
        for (int i = 0; i < midpoints.length; i++) midpoints[i] = (values[i] + values[i + 1]) / 2f;
    }

    int size() {
        return values.length;
    }

    float value(int index) {
        return values[index];
    }

    float[] values() {
        return values.clone();
    }

    /** Index of the code for v: the number of mid-points strictly below v. */
    int index(float v) {
        int lo = 0, hi = midpoints.length; // answer in [lo, hi]
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (midpoints[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
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
