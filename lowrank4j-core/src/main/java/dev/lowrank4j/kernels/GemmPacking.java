package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmMicroKernel.L;
import static dev.lowrank4j.kernels.GemmMicroKernel.MR;
import static dev.lowrank4j.kernels.GemmMicroKernel.NR;
import static dev.lowrank4j.kernels.GemmMicroKernel.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of op(A) and op(B) into the contiguous panels the micro-kernels stream through.
 * This is the only place transposes are handled, so all four transpose combinations run the same
 * inner loop; no full transposed copy is ever made. Ragged edges are padded with zeros so the
 * kernels always compute whole tiles.
 */
final class GemmPacking {
    private GemmPacking() {}

    /** Width of the packed B panel that starts {@code remaining} columns before the block end. */
    static int panelWidth(int remaining) {
        return remaining <= L ? L : NR;
    }

    /**
     * Packs op(A)[i0 .. i0+rows, p0 .. p0+kc] for the micro-kernel, rows padded with zeros
     * to a multiple of MR. The layout follows the source so that packing is a row-by-row copy
     * either way, never a transpose (a transposing pack scatters its writes and measured 3–4×
     * slower than the copy, 15% of a whole TN product):
     * <ul>
     *   <li>row-major A: each row's kc values contiguous, row i at {@code i·kc};
     *   <li>transposed A (stored k×m): each k step's padded rows contiguous, step p at
     *       {@code p·paddedRows}.
     * </ul>
     * Element (row i, step p) lives at {@code i·rowStride + p·stepStride}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc,
                      float[] dst) {
        int paddedRows = BlockedGemm.roundUp(rows, MR);
        if (transA) {
            int src = aOff + p0 * lda + i0;
            for (int p = 0; p < kc; p++, src += lda) {
                int d = p * paddedRows;
                System.arraycopy(a, src, dst, d, rows);
                Arrays.fill(dst, d + rows, d + paddedRows, 0f);
            }
        } else {
            for (int i = 0; i < rows; i++) System.arraycopy(a, aOff + (i0 + i) * lda + p0, dst, i * kc, kc);
            Arrays.fill(dst, rows * kc, paddedRows * kc, 0f);
        }
    }

    /** Distance between consecutive rows inside packed A. */
    static int rowStride(boolean transA, int kc) {
        return transA ? 1 : kc;
    }

    /** Distance between consecutive k steps inside packed A. */
    static int stepStride(boolean transA, int rows) {
        return transA ? BlockedGemm.roundUp(rows, MR) : 1;
    }

    private static void scaledCopy(float[] src, int so, float alpha, float[] dst, int d, int n) {
        int p = 0;
        for (; p <= n - L; p += L) FloatVector.fromArray(SPECIES, src, so + p).mul(alpha).intoArray(dst, d + p);
        for (; p < n; p++) dst[d + p] = alpha * src[so + p];
    }

    /**
     * Packs scale·op(B)[p0 .. p0+kc, j0 .. j0+cols] as column panels; the panel starting at column
     * offset jj begins at {@code jj·kc} and holds, for each k step, {@link #panelWidth} values.
     * The scale is alpha: folded in here it costs nothing in the micro-kernel.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols,
                      float scale, float[] dst) {
        for (int jj = 0; jj < cols; jj += NR) {
            int w = panelWidth(cols - jj);
            int valid = Math.min(w, cols - jj);
            int base = jj * kc;
            if (valid < w) Arrays.fill(dst, base, base + w * kc, 0f);
            if (transB) {
                packTransposedPanel(b, bOff + (j0 + jj) * ldb + p0, ldb, kc, valid, w, scale, dst, base);
            } else {
                int src = bOff + p0 * ldb + j0 + jj;
                for (int p = 0; p < kc; p++, src += ldb) scaledCopy(b, src, scale, dst, base + p * w, valid);
            }
        }
    }

    /** B stored n×k: column j of op(B) is a contiguous row of b, scattered into the panel. */
    private static void packTransposedPanel(float[] b, int src, int ldb, int kc, int valid, int w,
                                            float scale, float[] dst, int base) {
        for (int jj = 0; jj < valid; jj++, src += ldb) {
            for (int p = 0; p < kc; p++) dst[base + p * w + jj] = scale * b[src + p];
        }
    }
}
