package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmMicroKernel.L;
import static dev.lowrank4j.kernels.GemmMicroKernel.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * GEMM without packing, for problems too small to repay it and for products with very few rows
 * or columns (GEMV-like), where packing the big operand would cost as much as the multiply.
 * Three loop orders, each streaming the big operand once with unit stride:
 * <ul>
 *   <li>wide rows (B not transposed; few rows of C, or n ≥ k): C row += a·(B row), along n;
 *   <li>transposed A, otherwise: C columns accumulated along m, four at a time;
 *   <li>otherwise dot products along k, four columns of C per pass over a row of op(A).
 * </ul>
 * Lanes are summed with {@link Lanes#sum} so results do not depend on JIT state.
 */
final class DirectGemm {
    /** Column accumulators of {@link #narrowColumns}: 32 KiB, most of a 48 KiB L1. */
    private static final int COLUMN_BUFFER_FLOATS = 8 * 1024;

    private DirectGemm() {}

    /** Same contract as {@link GemmKernel#sgemm}; requires m, n, k ≥ 1. */
    static void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        if (!transB && (n >= L && m < VectorGemm.DIRECT_MAX_ROWS || n >= k)) {
            wideRows(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (transA && !transB) {
            narrowColumns(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            dots(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    private static void wideRows(boolean transA, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int o = cOff + i * ldc;
            scaleRow(c, o, n, beta);
            for (int p = 0; p < k; p++) {
                float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                axpy(av, b, bOff + p * ldb, c, o, n);
            }
        }
    }

    /**
     * A stored k×m, B k×n, n small: sweeps A row by row (unit stride, each element read once per
     * chunk) and accumulates a chunk of every C column in a buffer that stays in L1. Walking A
     * down its columns instead (to keep sums in registers) strides by lda per step and measured
     * 3× slower.
     */
    private static void narrowColumns(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int chunk = Math.min(m, Math.max(L, COLUMN_BUFFER_FLOATS / n / L * L));
        float[] columns = new float[n * chunk];
        for (int i0 = 0; i0 < m; i0 += chunk) {
            int len = Math.min(chunk, m - i0);
            Arrays.fill(columns, 0f);
            for (int p = 0; p < k; p++) {
                int ai = aOff + p * lda + i0, bi = bOff + p * ldb;
                for (int j = 0; j < n; j++) axpy(b[bi + j], a, ai, columns, j * chunk, len);
            }
            for (int i = 0; i < len; i++) {
                int o = cOff + (i0 + i) * ldc;
                for (int j = 0; j < n; j++) store(c, o + j, alpha * columns[j * chunk + i], beta);
            }
        }
    }

    /**
     * C(i, j) = alpha·⟨row i of op(A), column j of op(B)⟩ + beta·C(i, j). Rows of op(A) are
     * contiguous unless A is transposed, columns of op(B) unless B is not; the other case is
     * gathered once into a buffer (it is the small operand whenever this path is chosen).
     */
    private static void dots(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        float[] rows = a;
        int rowsOff = aOff, rowStride = lda;
        if (transA) {
            rows = gatherTransposed(a, aOff, lda, k, m);
            rowsOff = 0;
            rowStride = k;
        }
        float[] cols = b;
        int colsOff = bOff, colStride = ldb;
        if (!transB) {
            cols = gatherTransposed(b, bOff, ldb, k, n);
            colsOff = 0;
            colStride = k;
        }
        float[] sums = new float[4];
        for (int i = 0; i < m; i++) {
            int r = rowsOff + i * rowStride, o = cOff + i * ldc;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int c0 = colsOff + j * colStride;
                dot4(rows, r, cols, c0, c0 + colStride, c0 + 2 * colStride, c0 + 3 * colStride, k, sums);
                for (int q = 0; q < 4; q++) store(c, o + j + q, alpha * sums[q], beta);
            }
            for (; j < n; j++) store(c, o + j, alpha * dot(rows, r, cols, colsOff + j * colStride, k), beta);
        }
    }

    private static void store(float[] c, int idx, float v, float beta) {
        c[idx] = beta == 0f ? v : v + beta * c[idx];
    }

    /** x stored rows×cols (leading dimension ld) → its transpose, cols×rows, contiguous. */
    private static float[] gatherTransposed(float[] x, int off, int ld, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int p = 0; p < rows; p++) {
            int src = off + p * ld;
            for (int j = 0; j < cols; j++) t[j * rows + p] = x[src + j];
        }
        return t;
    }

    private static void scaleRow(float[] c, int o, int n, float beta) {
        if (beta == 0f) {
            Arrays.fill(c, o, o + n, 0f);
        } else if (beta != 1f) {
            for (int j = 0; j < n; j++) c[o + j] *= beta;
        }
    }

    static void axpy(float s, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector vs = FloatVector.broadcast(SPECIES, s);
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector.fromArray(SPECIES, x, xo + j).fma(vs, FloatVector.fromArray(SPECIES, y, yo + j))
                    .intoArray(y, yo + j);
        }
        // Fused like the vector lanes, so an element rounds the same whichever part it falls in.
        for (; j < n; j++) y[yo + j] = Math.fma(s, x[xo + j], y[yo + j]);
    }

    static float dot(float[] x, int xo, float[] y, int yo, int n) {
        int p = 0;
        float sum = 0f;
        if (n >= 2 * L) {
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0;
            for (; p <= n - 2 * L; p += 2 * L) {
                acc0 = FloatVector.fromArray(SPECIES, x, xo + p).fma(FloatVector.fromArray(SPECIES, y, yo + p), acc0);
                acc1 = FloatVector.fromArray(SPECIES, x, xo + p + L)
                        .fma(FloatVector.fromArray(SPECIES, y, yo + p + L), acc1);
            }
            sum = Lanes.sum(acc0.add(acc1));
        }
        for (; p < n; p++) sum += x[xo + p] * y[yo + p];
        return sum;
    }

    /** Four dot products sharing each load of x (one load of x per four FMAs instead of one). */
    static void dot4(float[] x, int xo, float[] y, int y0, int y1, int y2, int y3, int n, float[] out) {
        FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p <= n - L; p += L) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, xo + p);
            s0 = xv.fma(FloatVector.fromArray(SPECIES, y, y0 + p), s0);
            s1 = xv.fma(FloatVector.fromArray(SPECIES, y, y1 + p), s1);
            s2 = xv.fma(FloatVector.fromArray(SPECIES, y, y2 + p), s2);
            s3 = xv.fma(FloatVector.fromArray(SPECIES, y, y3 + p), s3);
        }
        float r0 = Lanes.sum(s0), r1 = Lanes.sum(s1);
        float r2 = Lanes.sum(s2), r3 = Lanes.sum(s3);
        for (; p < n; p++) {
            float xv = x[xo + p];
            r0 += xv * y[y0 + p];
            r1 += xv * y[y1 + p];
            r2 += xv * y[y2 + p];
            r3 += xv * y[y3 + p];
        }
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
    }
}
