package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmMicroKernel.L;
import static dev.lowrank4j.kernels.GemmMicroKernel.MR;
import static dev.lowrank4j.kernels.GemmMicroKernel.NR;
import static dev.lowrank4j.kernels.GemmMicroKernel.ZEROS;

/**
 * Single-threaded cache-blocked GEMM (the Goto/BLIS loop nest) over one rectangle of C.
 * A kc×nc panel of op(B) is packed once and stays in L2/L3, an mc×kc block of op(A) is packed
 * into L2, and the micro-kernel streams one kc×NR slice of B from L1 against every MR-row slice
 * of A. {@link VectorGemm} hands each thread its own rectangle.
 */
final class BlockedGemm {
    /** Depth of a packed block: a kc×NR B slice (32 KiB at kc=256) fits the 48 KiB L1. */
    static final int KC = Integer.getInteger("lowrank4j.gemm.kc", 256);
    /** Rows of op(A) per packed block: mc×kc floats (≈200 KiB) sit comfortably in a 1 MiB L2. */
    static final int MC = roundUp(Integer.getInteger("lowrank4j.gemm.mc", 192), MR);
    /** Columns of op(B) per packed panel: kc×nc floats (≈4 MiB) live in the shared L3. */
    static final int NC = roundUp(Integer.getInteger("lowrank4j.gemm.nc", 4096), NR);

    /**
     * Up to this many columns of C, row-major A is read in place instead of packed: two B panels
     * with AVX-512, four with AVX2, where packing A for four panels cost more than it saved
     * (Zen 1, 4096×64×1024: 0.82–0.87 of OpenBLAS packed, 0.90–1.07 in place).
     */
    static final int UNPACKED_A_MAX_COLS = Integer.getInteger("lowrank4j.gemm.unpackedAMaxCols", 64);

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private BlockedGemm() {}

    /** Packing buffers owned by one thread, grown on demand and reused across calls. */
    private static final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        final float[] tile = new float[MR * NR];

        float[] packedA(int size) {
            if (packedA.length < size) packedA = new float[size];
            return packedA;
        }

        float[] packedB(int size) {
            if (packedB.length < size) packedB = new float[size];
            return packedB;
        }
    }

    /** Same contract as {@link GemmKernel#sgemm}; requires m, n, k ≥ 1. */
    static void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WORKSPACE.get();
        // The kernels only overwrite or accumulate; a general beta is applied once up front.
        boolean overwriteFirst = beta == 0f;
        if (!overwriteFirst) VectorGemm.scale(c, cOff, ldc, m, n, beta);
        int kc = evenSplit(k, KC, 1);
        int mc = evenSplit(m, MC, MR);
        int nc = evenSplit(n, NC, NR);
        // Alpha always goes into packed B, never A: whether A is packed depends on this thread's
        // share of n, and results must not change with the thread count.
        // Narrow C: each A row is used by at most two B panels, so copying A costs more than the
        // cache misses it saves; the kernel then reads A where it is.
        // Transposed A read in place strides by lda per k step, so only for a single panel.
        boolean packA = n > (transA ? NR : UNPACKED_A_MAX_COLS);
        float[] packedB = ws.packedB(kc * roundUp(nc, NR));
        float[] packedA = ws.packedA(kc * roundUp(mc, MR));
        for (int j0 = 0; j0 < n; j0 += nc) {
            int cols = Math.min(nc, n - j0);
            for (int p0 = 0; p0 < k; p0 += kc) {
                int depth = Math.min(kc, k - p0);
                // Later k blocks accumulate onto what the first one wrote.
                boolean overwrite = overwriteFirst && p0 == 0;
                GemmPacking.packB(transB, b, bOff, ldb, p0, depth, j0, cols, alpha, packedB);
                for (int i0 = 0; i0 < m; i0 += mc) {
                    int rows = Math.min(mc, m - i0), fullRows = rows / MR * MR;
                    int co = cOff + i0 * ldc + j0;
                    if (packA) {
                        GemmPacking.packA(transA, a, aOff, lda, i0, rows, p0, depth, packedA);
                        multiplyPackedBlock(rows, cols, depth, packedA, packedB, overwrite, c, co, ldc, ws.tile);
                        continue;
                    }
                    int src = transA ? aOff + p0 * lda + i0 : aOff + i0 * lda + p0;
                    multiplyBlock(fullRows, cols, depth, a, src, transA ? 1 : lda, transA ? lda : 1,
                            packedB, overwrite, c, co, ldc, ws.tile);
                    if (fullRows < rows) { // the kernels read whole panels: pad the last rows
                        GemmPacking.packA(transA, a, aOff, lda, i0 + fullRows, rows - fullRows, p0, depth, packedA);
                        multiplyPackedBlock(rows - fullRows, cols, depth, packedA, packedB, overwrite,
                                c, co + fullRows * ldc, ldc, ws.tile);
                    }
                }
            }
        }
    }

    /**
     * Runs the micro-kernels over one block of A read in place × one packed B panel: element
     * (row i, step p) of the block is {@code av[aBase + i·rs + p·ps]} (narrow C, see
     * {@link #multiply}).
     */
    static void multiplyBlock(int rows, int cols, int depth, float[] av, int aBase, int rs, int ps,
                              float[] packedB, boolean overwrite, float[] c, int cOff, int ldc, float[] tile) {
        blockLoop(rows, cols, depth, av, aBase, rs, ps, false, packedB, overwrite, c, cOff, ldc, tile);
    }

    /** {@link #multiplyBlock} for A packed in micro-panels by {@link GemmPacking#packA}. */
    static void multiplyPackedBlock(int rows, int cols, int depth, float[] packedA, float[] packedB, boolean overwrite,
                                    float[] c, int cOff, int ldc, float[] tile) {
        // Row i of a panel is one float on from row i−1 and a panel of MR rows is MR·depth long,
        // so rows that start panels sit at i·depth: rs = depth locates panels, the kernels step by MR.
        blockLoop(rows, cols, depth, packedA, 0, depth, MR, true, packedB, overwrite, c, cOff, ldc, tile);
    }

    private static void blockLoop(int rows, int cols, int depth, float[] av, int aBase, int rs, int ps, boolean panels,
                                  float[] packedB, boolean overwrite, float[] c, int cOff, int ldc, float[] tile) {
        // Inside a packed panel the next row is one float on; in place it is rs on.
        int rowStep = panels ? 1 : rs;
        for (int jj = 0; jj < cols; jj += NR) {
            int w = GemmPacking.panelWidth(cols - jj);
            int validCols = Math.min(w, cols - jj);
            int bo = jj * depth;
            for (int ii = 0; ii < rows; ) {
                int ao = aBase + ii * rs;
                int co = cOff + ii * ldc + jj;
                if (validCols == L && w == L && rows - ii >= 2 * MR) { // see GemmMicroKernel.narrowTall
                    int aoNext = aBase + (ii + MR) * rs;
                    if (overwrite) narrowTall(depth, av, ao, aoNext, rowStep, ps, packedB, bo, c, co, ldc, ZEROS, 0, NR);
                    else narrowTall(depth, av, ao, aoNext, rowStep, ps, packedB, bo, c, co, ldc, c, co, ldc);
                    ii += 2 * MR;
                    continue;
                }
                int validRows = Math.min(MR, rows - ii);
                if (validRows == MR && validCols == w) {
                    if (overwrite) kernel(w, depth, av, ao, rowStep, ps, panels, packedB, bo, c, co, ldc, ZEROS, 0, NR);
                    else kernel(w, depth, av, ao, rowStep, ps, panels, packedB, bo, c, co, ldc, c, co, ldc);
                } else {
                    // Ragged edge (A rows are zero-padded here): compute the whole tile aside,
                    // then copy what exists.
                    kernel(w, depth, av, ao, rowStep, ps, panels, packedB, bo, tile, 0, w, ZEROS, 0, NR);
                    mergeTile(tile, w, validRows, validCols, overwrite, c, co, ldc);
                }
                ii += MR;
            }
        }
    }

    // MR is a constant: C2 keeps only the branches of the tile this machine uses
    private static void kernel(int width, int depth, float[] ap, int ao, int rs, int ps, boolean panels, float[] bp, int bo,
                               float[] c, int co, int ldc, float[] s, int so, int sld) {
        if (MR == 8) {
            if (width == NR && panels) EightRowMicroKernel.panel(depth, ap, ao, bp, bo, c, co, ldc, s, so, sld);
            else if (width == NR) EightRowMicroKernel.full(depth, ap, ao, rs, ps, bp, bo, c, co, ldc, s, so, sld);
            else EightRowMicroKernel.half(depth, ap, ao, rs, ps, bp, bo, c, co, ldc, s, so, sld);
        } else if (MR == 4) {
            if (width == NR && panels) FourRowMicroKernel.panel(depth, ap, ao, bp, bo, c, co, ldc, s, so, sld);
            else if (width == NR) FourRowMicroKernel.full(depth, ap, ao, rs, ps, bp, bo, c, co, ldc, s, so, sld);
            else FourRowMicroKernel.half(depth, ap, ao, rs, ps, bp, bo, c, co, ldc, s, so, sld);
        } else {
            if (width == NR && panels) GemmMicroKernel.panel(depth, ap, ao, bp, bo, c, co, ldc, s, so, sld);
            else if (width == NR) GemmMicroKernel.full(depth, ap, ao, rs, ps, bp, bo, c, co, ldc, s, so, sld);
            else GemmMicroKernel.half(depth, ap, ao, rs, ps, bp, bo, c, co, ldc, s, so, sld);
        }
    }

    private static void narrowTall(int depth, float[] ap, int ao, int aoNext, int rs, int ps, float[] bp, int bo,
                                   float[] c, int co, int ldc, float[] s, int so, int sld) {
        if (MR == 8) EightRowMicroKernel.narrowTall(depth, ap, ao, aoNext, rs, ps, bp, bo, c, co, ldc, s, so, sld);
        else if (MR == 4) FourRowMicroKernel.narrowTall(depth, ap, ao, aoNext, rs, ps, bp, bo, c, co, ldc, s, so, sld);
        else GemmMicroKernel.narrowTall(depth, ap, ao, aoNext, rs, ps, bp, bo, c, co, ldc, s, so, sld);
    }

    private static void mergeTile(float[] tile, int tileLd, int rows, int cols, boolean overwrite,
                                  float[] c, int co, int ldc) {
        for (int i = 0; i < rows; i++) {
            int t = i * tileLd, o = co + i * ldc;
            if (overwrite) System.arraycopy(tile, t, c, o, cols);
            else for (int j = 0; j < cols; j++) c[o + j] += tile[t + j];
        }
    }

    /** Block size ≤ limit that splits total into equal parts, rounded up to a multiple of unit. */
    static int evenSplit(int total, int limit, int unit) {
        int blocks = Math.max(1, (total + limit - 1) / limit);
        return roundUp((total + blocks - 1) / blocks, unit);
    }

    static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
