package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmMicroKernel.L;
import static dev.lowrank4j.kernels.GemmMicroKernel.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GEMM without packing, for problems too small to repay it and for few-row products (GEMV-like)
 * where packing B would cost as much as the multiply. Vectorizes along n when op(B) has
 * contiguous rows, along k (dot products) when B is transposed.
 */
final class DirectGemm {
    private DirectGemm() {}

    /** Same contract as {@link GemmKernel#sgemm}; requires m, n, k ≥ 1. */
    static void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        if (transB) {
            float[] rowBuffer = transA ? new float[k] : null;
            for (int i = 0; i < m; i++) {
                float[] row = a;
                int rowOff = aOff + i * lda;
                if (transA) { // row i of op(A) is column i of A: gather it once for all n dots
                    for (int p = 0; p < k; p++) rowBuffer[p] = a[aOff + p * lda + i];
                    row = rowBuffer;
                    rowOff = 0;
                }
                int o = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    float v = alpha * dot(row, rowOff, b, bOff + j * ldb, k);
                    c[o + j] = beta == 0f ? v : v + beta * c[o + j];
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                int o = cOff + i * ldc;
                scaleRow(c, o, n, beta);
                for (int p = 0; p < k; p++) {
                    float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                    axpy(av, b, bOff + p * ldb, c, o, n);
                }
            }
        }
    }

    private static void scaleRow(float[] c, int o, int n, float beta) {
        if (beta == 0f) {
            java.util.Arrays.fill(c, o, o + n, 0f);
        } else if (beta != 1f) {
            for (int j = 0; j < n; j++) c[o + j] *= beta;
        }
    }

    private static void axpy(float s, float[] x, int xo, float[] y, int yo, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector.fromArray(SPECIES, x, xo + j).fma(FloatVector.broadcast(SPECIES, s), FloatVector.fromArray(SPECIES, y, yo + j))
                    .intoArray(y, yo + j);
        }
        for (; j < n; j++) y[yo + j] += s * x[xo + j];
    }

    private static float dot(float[] x, int xo, float[] y, int yo, int n) {
        int p = 0;
        float sum = 0f;
        if (n >= 2 * L) {
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0;
            for (; p <= n - 2 * L; p += 2 * L) {
                acc0 = FloatVector.fromArray(SPECIES, x, xo + p).fma(FloatVector.fromArray(SPECIES, y, yo + p), acc0);
                acc1 = FloatVector.fromArray(SPECIES, x, xo + p + L)
                        .fma(FloatVector.fromArray(SPECIES, y, yo + p + L), acc1);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; p < n; p++) sum += x[xo + p] * y[yo + p];
        return sum;
    }
}
