package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmMicroKernel.L;
import static dev.lowrank4j.kernels.GemmMicroKernel.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * Products with a packed weight for a few rows of activations (decode shapes): there is no row
 * block to amortise a panel over, so each piece of W is unpacked once into a buffer that stays in
 * L1 and every activation row is multiplied with it there. Reading 4 or 8 bits per weight
 * instead of 32 is then what sets the speed.
 */
final class QuantizedDirectGemm {
    /** Input-gradient columns are split among threads in multiples of this (whole vector steps of the decoders). */
    static final int COLUMN_UNIT = 32;
    /**
     * Columns of dx per pass: four unpacked weight-row pieces of this width fit a 48 KiB L1. (Walking
     * all rows for one column chunk, then the next chunk, reads W with a stride and measured
     * slower than chunking inside each group of rows: 1.5× on 4096².)
     */
    private static final int CHUNK = 2048;
    /** Weight rows unpacked per pass of the input gradient: each dx element is loaded and stored once per four. */
    private static final int ROWS_PER_PASS = 4;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[ROWS_PER_PASS][0]);

    private QuantizedDirectGemm() {}

    private static float[] buffer(int index, int size) {
        float[][] b = BUFFERS.get();
        if (b[index].length < size) b[index] = new float[size];
        return b[index];
    }

    /** C[i][j] = Σ_p A[i][p]·W[j][p] + beta·C[i][j] for j in [j0, j1); A is m×k, C is m×ldc. */
    static void forward(int m, int k, float[] a, int aOff, PackedMatrix w, int j0, int j1,
                        float beta, float[] c, int cOff, int ldc) {
        float[] row = buffer(0, k);
        if (m == 1) { // one token (decode): each weight row is decoded in registers, straight into its dot product
            if (w.splitsInput()) {
                PackedMatrix.splitInput(a, aOff, k, row);
                for (int j = j0; j < j1; j++) store(c, cOff + j, w.dotRowSplit(j, row), beta);
            } else {
                for (int j = j0; j < j1; j++) store(c, cOff + j, w.dotRow(j, a, aOff, row), beta);
            }
            return;
        }
        float[] sums = new float[4];
        for (int j = j0; j < j1; j++) {
            w.unpackRow(j, 0, k, row, 0);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int r = aOff + i * k;
                DirectGemm.dot4(row, 0, a, r, r + k, r + 2 * k, r + 3 * k, k, sums);
                for (int q = 0; q < 4; q++) store(c, cOff + (i + q) * ldc + j, sums[q], beta);
            }
            for (; i < m; i++) store(c, cOff + i * ldc + j, DirectGemm.dot(row, 0, a, aOff + i * k, k), beta);
        }
    }

    /**
     * C[i][j] = Σ_p A[i][p]·W[p][j] + beta·C[i][j] for columns j in [j0, j1); A is m×k. Weight rows
     * are taken four at a time, in order (so W is read sequentially, row by row), and their
     * pieces added to C in order p = 0, 1, 2, ..., so the result does not depend on how columns
     * are chunked or split.
     */
    static void inputGradient(int m, int k, float[] a, int aOff, PackedMatrix w, int j0, int j1,
                              float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) scale(c, cOff + i * ldc + j0, j1 - j0, beta);
        int chunk = Math.min(CHUNK, j1 - j0);
        float[] b0 = buffer(0, chunk), b1 = buffer(1, chunk), b2 = buffer(2, chunk), b3 = buffer(3, chunk);
        int p = 0;
        for (; p + ROWS_PER_PASS <= k; p += ROWS_PER_PASS) {
            for (int c0 = j0; c0 < j1; c0 += chunk) {
                int len = Math.min(chunk, j1 - c0);
                w.unpackRow(p, c0, len, b0, 0);
                w.unpackRow(p + 1, c0, len, b1, 0);
                w.unpackRow(p + 2, c0, len, b2, 0);
                w.unpackRow(p + 3, c0, len, b3, 0);
                for (int i = 0; i < m; i++) {
                    int ai = aOff + i * k + p;
                    axpy4(a[ai], a[ai + 1], a[ai + 2], a[ai + 3], b0, b1, b2, b3, c, cOff + i * ldc + c0, len);
                }
            }
        }
        for (; p < k; p++) {
            for (int c0 = j0; c0 < j1; c0 += chunk) {
                int len = Math.min(chunk, j1 - c0);
                w.unpackRow(p, c0, len, b0, 0);
                for (int i = 0; i < m; i++) DirectGemm.axpy(a[aOff + i * k + p], b0, 0, c, cOff + i * ldc + c0, len);
            }
        }
    }

    /** y += s0·x0 + s1·x1 + s2·x2 + s3·x3, fused in that order in every lane and in the tail alike. */
    private static void axpy4(float s0, float s1, float s2, float s3, float[] x0, float[] x1, float[] x2, float[] x3,
                              float[] y, int yo, int n) {
        FloatVector v0 = FloatVector.broadcast(SPECIES, s0), v1 = FloatVector.broadcast(SPECIES, s1);
        FloatVector v2 = FloatVector.broadcast(SPECIES, s2), v3 = FloatVector.broadcast(SPECIES, s3);
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector acc = FloatVector.fromArray(SPECIES, y, yo + j);
            acc = FloatVector.fromArray(SPECIES, x0, j).fma(v0, acc);
            acc = FloatVector.fromArray(SPECIES, x1, j).fma(v1, acc);
            acc = FloatVector.fromArray(SPECIES, x2, j).fma(v2, acc);
            acc = FloatVector.fromArray(SPECIES, x3, j).fma(v3, acc);
            acc.intoArray(y, yo + j);
        }
        for (; j < n; j++) {
            y[yo + j] = Math.fma(s3, x3[j], Math.fma(s2, x2[j], Math.fma(s1, x1[j], Math.fma(s0, x0[j], y[yo + j]))));
        }
    }

    private static void scale(float[] c, int o, int n, float beta) {
        if (beta == 0f) java.util.Arrays.fill(c, o, o + n, 0f);
        else if (beta != 1f) for (int j = 0; j < n; j++) c[o + j] *= beta;
    }

    private static void store(float[] c, int idx, float v, float beta) {
        c[idx] = beta == 0f ? v : v + beta * c[idx];
    }
}
