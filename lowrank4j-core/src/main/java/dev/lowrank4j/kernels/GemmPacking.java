package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmMicroKernel.L;
import static dev.lowrank4j.kernels.GemmMicroKernel.MR;
import static dev.lowrank4j.kernels.GemmMicroKernel.NR;
import static dev.lowrank4j.kernels.GemmMicroKernel.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the contiguous panels the micro-kernels stream through.
 * This is the only place transposes are handled, so all four transpose combinations run the same
 * inner loop; no full transposed copy is ever made. Ragged edges are padded with zeros so the
 * kernels always compute whole tiles.
 */
final class GemmPacking {
    /** Vector shape for copying one k step (MR floats) of transposed A; needs ≥ MR lanes. */
    private static final VectorSpecies<Float> STEP = FloatVector.SPECIES_256;
    private static final VectorMask<Float> STEP_MASK = STEP.indexInRange(0, MR);

    private GemmPacking() {}

    /** Width of the packed B panel that starts {@code remaining} columns before the block end. */
    static int panelWidth(int remaining) {
        return remaining <= L ? L : NR;
    }

    /**
     * Packs alpha·op(A)[i0 .. i0+rows, p0 .. p0+kc] as ⌈rows/MR⌉ micro-panels of MR rows, panel r
     * at {@code r·MR·kc} (rows past the end are zero). The layout inside a panel follows the
     * source so that packing is a straight copy either way, never a transpose:
     * row-major A → each row's kc values contiguous ({@link #rowStride} kc, {@link #stepStride} 1);
     * transposed A → the MR values of each k step contiguous (row stride 1, step stride MR).
     * Folding alpha in here keeps it out of the micro-kernel.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc,
                      float alpha, float[] dst) {
        int fullRows = rows / MR * MR;
        if (transA) {
            packTransposedA(a, aOff + p0 * lda + i0, lda, fullRows, kc, alpha, dst);
        } else {
            // Row ii of the block lands at ii·kc: panel start (ii − ii % MR)·kc plus (ii % MR)·kc.
            for (int ii = 0; ii < fullRows; ii++) scaledCopy(a, aOff + (i0 + ii) * lda + p0, alpha, dst, ii * kc, kc);
        }
        if (fullRows < rows) { // last, partial panel: zero-padded, copied element by element
            int base = fullRows * kc, h = rows - fullRows;
            Arrays.fill(dst, base, base + MR * kc, 0f);
            int rs = rowStride(transA, kc), ps = stepStride(transA);
            for (int ii = 0; ii < h; ii++) {
                for (int p = 0; p < kc; p++) {
                    float v = transA ? a[aOff + (p0 + p) * lda + i0 + fullRows + ii]
                            : a[aOff + (i0 + fullRows + ii) * lda + p0 + p];
                    dst[base + ii * rs + p * ps] = alpha * v;
                }
            }
        }
    }

    /**
     * Transposed A (stored k×m): walks the source row by row, so each row segment is read once
     * and in order (walking panel by panel instead strides by lda per step, which for
     * power-of-two lda maps every access to the same cache set). Each k step of a panel is one
     * masked MR-lane copy.
     */
    private static void packTransposedA(float[] a, int src, int lda, int fullRows, int kc, float alpha,
                                        float[] dst) {
        for (int p = 0; p < kc; p++, src += lda) {
            for (int r = 0; r < fullRows; r += MR) {
                FloatVector.fromArray(STEP, a, src + r, STEP_MASK).mul(alpha)
                        .intoArray(dst, r * kc + p * MR, STEP_MASK);
            }
        }
    }

    /** Distance between consecutive rows inside a packed A panel. */
    static int rowStride(boolean transA, int kc) {
        return transA ? 1 : kc;
    }

    /** Distance between consecutive k steps inside a packed A panel. */
    static int stepStride(boolean transA) {
        return transA ? MR : 1;
    }

    private static void scaledCopy(float[] src, int so, float alpha, float[] dst, int d, int n) {
        int p = 0;
        for (; p <= n - L; p += L) FloatVector.fromArray(SPECIES, src, so + p).mul(alpha).intoArray(dst, d + p);
        for (; p < n; p++) dst[d + p] = alpha * src[so + p];
    }

    /**
     * Packs op(B)[p0 .. p0+kc, j0 .. j0+cols] as column panels; the panel starting at column
     * offset jj begins at {@code jj·kc} and holds, for each k step, {@link #panelWidth} values.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols,
                      float[] dst) {
        for (int jj = 0; jj < cols; jj += NR) {
            int w = panelWidth(cols - jj);
            int valid = Math.min(w, cols - jj);
            int base = jj * kc;
            if (valid < w) Arrays.fill(dst, base, base + w * kc, 0f);
            if (transB) {
                packTransposedPanel(b, bOff + (j0 + jj) * ldb + p0, ldb, kc, valid, w, dst, base);
            } else if (valid == NR) {
                int src = bOff + p0 * ldb + j0 + jj;
                for (int p = 0; p < kc; p++, src += ldb) {
                    int d = base + p * NR;
                    FloatVector.fromArray(SPECIES, b, src).intoArray(dst, d);
                    FloatVector.fromArray(SPECIES, b, src + L).intoArray(dst, d + L);
                }
            } else if (valid == L) {
                int src = bOff + p0 * ldb + j0 + jj;
                for (int p = 0; p < kc; p++, src += ldb) {
                    FloatVector.fromArray(SPECIES, b, src).intoArray(dst, base + p * L);
                }
            } else {
                int src = bOff + p0 * ldb + j0 + jj;
                for (int p = 0; p < kc; p++, src += ldb) {
                    System.arraycopy(b, src, dst, base + p * w, valid);
                }
            }
        }
    }

    /** B stored n×k: column j of op(B) is a contiguous row of b, scattered into the panel. */
    private static void packTransposedPanel(float[] b, int src, int ldb, int kc, int valid, int w,
                                            float[] dst, int base) {
        for (int jj = 0; jj < valid; jj++, src += ldb) {
            for (int p = 0; p < kc; p++) dst[base + p * w + jj] = b[src + p];
        }
    }
}
