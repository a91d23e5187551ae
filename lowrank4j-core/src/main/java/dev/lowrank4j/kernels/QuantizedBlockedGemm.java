package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmMicroKernel.MR;
import static dev.lowrank4j.kernels.GemmMicroKernel.NR;

import java.util.Arrays;

/**
 * {@link BlockedGemm}'s loop nest (A not transposed, alpha 1) with a packed weight as B: each
 * kc×nc panel of op(W) is unpacked straight into the micro-kernel's panel layout, so a float32
 * copy of W exists only one panel at a time, and the panel is reused by every row block of A,
 * which makes the unpacking cost vanish for training shapes (many rows).
 */
final class QuantizedBlockedGemm {
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private QuantizedBlockedGemm() {}

    private static final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        float[] row = new float[0];
        final float[] tile = new float[MR * NR];

        float[] packedA(int size) {
            if (packedA.length < size) packedA = new float[size];
            return packedA;
        }

        float[] packedB(int size) {
            if (packedB.length < size) packedB = new float[size];
            return packedB;
        }

        float[] row(int size) {
            if (row.length < size) row = new float[size];
            return row;
        }
    }

    /**
     * C[m×n] = A[m×k]·op(W)[k×n] + beta·C, where op(W) column j is weight row wCol0 + j (forward,
     * op = transpose) or weight column wCol0 + j (input gradient). Requires m, n, k ≥ 1.
     */
    static void multiply(boolean forward, int m, int n, int k, float[] a, int aOff, int lda, PackedMatrix w, int wCol0,
                         float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WORKSPACE.get();
        boolean overwriteFirst = beta == 0f;
        if (!overwriteFirst) VectorGemm.scale(c, cOff, ldc, m, n, beta);
        int kc = BlockedGemm.evenSplit(k, BlockedGemm.KC, 1);
        int mc = BlockedGemm.evenSplit(m, BlockedGemm.MC, MR);
        int nc = BlockedGemm.evenSplit(n, BlockedGemm.NC, NR);
        boolean packA = n > BlockedGemm.UNPACKED_A_MAX_COLS; // as BlockedGemm, for A not transposed
        float[] packedB = ws.packedB(kc * BlockedGemm.roundUp(nc, NR));
        float[] packedA = ws.packedA(kc * BlockedGemm.roundUp(mc, MR));
        for (int j0 = 0; j0 < n; j0 += nc) {
            int cols = Math.min(nc, n - j0);
            for (int p0 = 0; p0 < k; p0 += kc) {
                int depth = Math.min(kc, k - p0);
                boolean overwrite = overwriteFirst && p0 == 0;
                if (forward) packTransposed(w, wCol0 + j0, cols, p0, depth, packedB, ws.row(depth));
                else packRows(w, wCol0 + j0, cols, p0, depth, packedB);
                for (int i0 = 0; i0 < m; i0 += mc) {
                    int rows = Math.min(mc, m - i0), fullRows = packA ? 0 : rows / MR * MR;
                    int co = cOff + i0 * ldc + j0;
                    if (fullRows > 0) { // narrow C: A read in place, as BlockedGemm does
                        BlockedGemm.multiplyBlock(fullRows, cols, depth, a, aOff + i0 * lda + p0, lda, 1,
                                packedB, overwrite, c, co, ldc, ws.tile);
                    }
                    if (fullRows < rows) {
                        GemmPacking.packA(false, a, aOff, lda, i0 + fullRows, rows - fullRows, p0, depth, packedA);
                        BlockedGemm.multiplyPackedBlock(rows - fullRows, cols, depth, packedA,
                                packedB, overwrite, c, co + fullRows * ldc, ldc, ws.tile);
                    }
                }
            }
        }
    }

    /**
     * Forward: op(W)[p][j] = W[row0 + j][p0 + p]. Each weight row's k-slice is unpacked into a
     * buffer and scattered down its panel column (as GemmPacking's transposed packing does).
     */
    private static void packTransposed(PackedMatrix w, int row0, int cols, int p0, int depth, float[] dst, float[] row) {
        for (int jj = 0; jj < cols; jj += NR) {
            int width = GemmPacking.panelWidth(cols - jj), valid = Math.min(width, cols - jj), base = jj * depth;
            if (valid < width) Arrays.fill(dst, base, base + width * depth, 0f);
            for (int r = 0; r < valid; r++) {
                w.unpackRow(row0 + jj + r, p0, depth, row, 0);
                for (int p = 0, d = base + r; p < depth; p++, d += width) dst[d] = row[p];
            }
        }
    }

    /** Input gradient: op(W)[p][j] = W[p0 + p][col0 + j]; each panel row is a contiguous weight-row piece. */
    private static void packRows(PackedMatrix w, int col0, int cols, int p0, int depth, float[] dst) {
        for (int jj = 0; jj < cols; jj += NR) {
            int width = GemmPacking.panelWidth(cols - jj), valid = Math.min(width, cols - jj), base = jj * depth;
            for (int p = 0; p < depth; p++) {
                int d = base + p * width;
                w.unpackRow(p0 + p, col0 + jj, valid, dst, d);
                if (valid < width) Arrays.fill(dst, d + valid, d + width, 0f);
            }
        }
    }
}
