package dev.lowrank4j.kernels;

/**
 * Validates sgemm arguments up front. The Java kernels would fail later with an index exception,
 * but the native backend would read or write past the array, so every backend checks here.
 */
final class GemmArguments {
    private GemmArguments() {}

    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative size m=" + m + " n=" + n + " k=" + k);
        }
        // Stored shapes: A is m×k (or k×m when transposed), B is k×n (or n×k).
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        // BLAS insists on ld ≥ 1 even for empty matrices; we accept 0 there, since empty
        // products never reach a native call.
        if (ld < cols) {
            throw new IllegalArgumentException("leading dimension of " + name + " is " + ld
                    + ", needs at least " + cols);
        }
        if (off < 0) throw new IllegalArgumentException("negative offset of " + name + ": " + off);
        if (rows == 0 || cols == 0) return;
        if (x == null) throw new IllegalArgumentException(name + " is null");
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if (last >= x.length) {
            throw new IllegalArgumentException(name + " needs index " + last + " but has length " + x.length);
        }
    }
}
