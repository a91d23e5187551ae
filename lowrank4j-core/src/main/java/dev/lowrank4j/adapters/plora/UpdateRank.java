package dev.lowrank4j.adapters.plora;

import dev.lowrank4j.linalg.TopSvd;

/**
 * The numerical rank of a weight update ΔW: how many singular values exceed a fraction of the
 * largest. PeriodicLoRA's claim is that its stages add up to an update of rank above LoRA's r.
 */
public final class UpdateRank {
    /** A singular value counts above this fraction of the largest; float32 rounding of W sits near 1e-6. */
    public static final double RELATIVE_TOLERANCE = 1e-4;

    private UpdateRank() {}

    /** Rank of the [rows, cols] row-major matrix {@code a}; 0 for an all-zero matrix. */
    public static int of(float[] a, int rows, int cols) {
        double[] s = TopSvd.exact().top(a, rows, cols, Math.min(rows, cols), 0, "update").s();
        if (s.length == 0 || !(s[0] > 0)) return 0;
        int rank = 0;
        for (double v : s) if (v > RELATIVE_TOLERANCE * s[0]) rank++;
        return rank;
    }
}
