package dev.lowrank4j.linalg;

import dev.lowrank4j.Lowrank4jException;

/** Argument checks shared by the decompositions, with messages that name the matrix. */
public final class MatrixChecks {
    private MatrixChecks() {}

    public static void requireShape(float[] a, int rows, int cols, String name) {
        if (rows < 1 || cols < 1 || (long) rows * cols != a.length) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " does not describe " + a.length + " values");
        }
    }

    /** Rejects NaN and ±Inf, naming the first bad element: a decomposition of such data is meaningless. */
    public static void requireFinite(float[] a, int rows, int cols, String name) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new Lowrank4jException(name + " contains " + a[i] + " at [" + i / cols + ", " + i % cols
                        + "] of its " + rows + "x" + cols + " values");
            }
        }
    }

    /** 1 ≤ rank ≤ min(rows, cols). */
    public static void requireRank(int rank, int rows, int cols, String name) {
        if (rank < 1 || rank > Math.min(rows, cols)) {
            throw new Lowrank4jException("rank " + rank + " is not possible for " + name + " (" + rows + "x" + cols
                    + "): it must be between 1 and " + Math.min(rows, cols));
        }
    }
}
