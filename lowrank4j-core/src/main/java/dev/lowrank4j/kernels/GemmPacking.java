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
     * Packs op(A)[i0 .. i0+rows, p0 .. p0+kc] into micro-panels of MR rows, the last one padded
     * with zero rows: panel q (rows q·MR …) starts at {@code q·MR·kc} and holds, for each k step
     * p, its MR values at {@code p·MR + r}. The kernel then reads A as one contiguous stream with
     * constant offsets, which lets C2 drop the per-load bounds checks and index multiplications
     * the strided layouts needed (measured on an AVX-512 Xeon: the micro-kernel in L1 went from
     * 130 to 157 GFLOP/s on one core).
     * <ul>
     *   <li>row-major A: MR row streams are read side by side and written interleaved;
     *   <li>transposed A (stored k×m): each k step's MR values are already adjacent; the stored
     *       rows are read one at a time and dealt out to the panels ({@link #packTransposedA}).
     * </ul>
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc,
                      float[] dst) {
        if (transA) {
            packTransposedA(a, aOff, lda, i0, rows, p0, kc, dst);
            return;
        }
        for (int r0 = 0; r0 < rows; r0 += MR) {
            int valid = Math.min(MR, rows - r0), d = r0 * kc;
            if (MR == 4 && valid == 4) { // one unrolled copy per tile height (MR is a constant)
                int s0 = aOff + (i0 + r0) * lda + p0, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
                for (int p = 0; p < kc; p++) {
                    int o = d + p * 4;
                    dst[o] = a[s0 + p];
                    dst[o + 1] = a[s1 + p];
                    dst[o + 2] = a[s2 + p];
                    dst[o + 3] = a[s3 + p];
                }
            } else if (MR == 6 && valid == 6) {
                int s0 = aOff + (i0 + r0) * lda + p0, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda, s5 = s4 + lda;
                for (int p = 0; p < kc; p++) { // indices linear in p: C2 hoists every bounds check
                    int o = d + p * 6;
                    dst[o] = a[s0 + p];
                    dst[o + 1] = a[s1 + p];
                    dst[o + 2] = a[s2 + p];
                    dst[o + 3] = a[s3 + p];
                    dst[o + 4] = a[s4 + p];
                    dst[o + 5] = a[s5 + p];
                }
            } else if (MR == 8 && valid == 8 && L == 16) {
                EightRowPanelTranspose.pack(a, aOff + (i0 + r0) * lda + p0, lda, kc, dst, d);
            } else if (MR == 8 && valid == 8) {
                int s0 = aOff + (i0 + r0) * lda + p0, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda,
                        s4 = s3 + lda, s5 = s4 + lda, s6 = s5 + lda, s7 = s6 + lda;
                for (int p = 0; p < kc; p++) {
                    int o = d + p * 8;
                    dst[o] = a[s0 + p];
                    dst[o + 1] = a[s1 + p];
                    dst[o + 2] = a[s2 + p];
                    dst[o + 3] = a[s3 + p];
                    dst[o + 4] = a[s4 + p];
                    dst[o + 5] = a[s5 + p];
                    dst[o + 6] = a[s6 + p];
                    dst[o + 7] = a[s7 + p];
                }
            } else {
                Arrays.fill(dst, d, d + MR * kc, 0f);
                for (int r = 0; r < valid; r++) {
                    int src = aOff + (i0 + r0 + r) * lda + p0;
                    for (int p = 0; p < kc; p++) dst[d + p * MR + r] = a[src + p];
                }
            }
        }
    }

    /**
     * Transposed A (stored k×m): row p of the stored matrix holds step p of every panel, so each
     * row is read once front to back and dealt out MR values to a panel, the order that made B's
     * packing cheap. Panel by panel instead reads MR values per row and strides by lda to the
     * next, a new page per step when lda is large (a weight gradient's dYᵀ for an LM head: lda =
     * 32000). In a profile of a 60M `bench step` that packing loop held 6% of the samples; on Zen 5
     * the products with and without this order measured the same within the machine's noise
     * (`GemmBenchmark --shapes 32000x512x1024:tn,...`), so it is kept as the simpler one-pass form.
     */
    private static void packTransposedA(float[] a, int aOff, int lda, int i0, int rows, int p0, int kc, float[] dst) {
        int full = rows - rows % MR;
        for (int p = 0; p < kc; p++) {
            int src = aOff + (p0 + p) * lda + i0, o = p * MR;
            for (int r0 = 0; MR == 4 && r0 < full; r0 += 4, o += 4 * kc) {
                int s = src + r0;
                dst[o] = a[s];
                dst[o + 1] = a[s + 1];
                dst[o + 2] = a[s + 2];
                dst[o + 3] = a[s + 3];
            }
            for (int r0 = 0; MR == 6 && r0 < full; r0 += 6, o += 6 * kc) {
                int s = src + r0;
                dst[o] = a[s];
                dst[o + 1] = a[s + 1];
                dst[o + 2] = a[s + 2];
                dst[o + 3] = a[s + 3];
                dst[o + 4] = a[s + 4];
                dst[o + 5] = a[s + 5];
            }
            for (int r0 = 0; MR == 8 && r0 < full; r0 += 8, o += 8 * kc) {
                System.arraycopy(a, src + r0, dst, o, 8);
            }
            if (full < rows) { // the last panel: its valid rows, then zeros
                for (int r = 0; r < MR; r++) dst[o + r] = full + r < rows ? a[src + full + r] : 0f;
            }
        }
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
            if (transB) packTransposedPanel(b, bOff + (j0 + jj) * ldb + p0, ldb, kc, valid, w, scale, dst, base);
        }
        if (transB) return;
        // Row by row, each row of B read once front to back and dealt out to the panels: reading a
        // panel's column strip instead strides by ldb per step, a new page each time (measured: B
        // packing went from 14% of a one-thread 1024³ product to 2%, on an AVX-512 Xeon).
        for (int p = 0, src = bOff + p0 * ldb + j0; p < kc; p++, src += ldb) {
            for (int jj = 0; jj < cols; jj += NR) {
                int w = panelWidth(cols - jj);
                scaledCopy(b, src + jj, scale, dst, jj * kc + p * w, Math.min(w, cols - jj));
            }
        }
    }

    /**
     * B stored n×k: column j of op(B) is a contiguous row of b. Four rows are read side by side
     * and written as four adjacent values per k step, so each step's stores share a cache line;
     * one row at a time strides through the whole panel per row.
     */
    private static void packTransposedPanel(float[] b, int src, int ldb, int kc, int valid, int w,
                                            float scale, float[] dst, int base) {
        int jj = 0;
        for (; jj + 4 <= valid; jj += 4, src += 4 * ldb) {
            int s0 = src, s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
            for (int p = 0; p < kc; p++) {
                int o = base + p * w + jj;
                dst[o] = scale * b[s0 + p];
                dst[o + 1] = scale * b[s1 + p];
                dst[o + 2] = scale * b[s2 + p];
                dst[o + 3] = scale * b[s3 + p];
            }
        }
        for (; jj < valid; jj++, src += ldb) {
            for (int p = 0; p < kc; p++) dst[base + p * w + jj] = scale * b[src + p];
        }
    }
}
