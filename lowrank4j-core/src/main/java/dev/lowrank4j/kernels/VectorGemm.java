package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmMicroKernel.L;
import static dev.lowrank4j.kernels.GemmMicroKernel.MR;
import static dev.lowrank4j.kernels.GemmMicroKernel.NR;

import java.util.Arrays;

/**
 * The fast pure-Java sgemm (Vector API). Splits C into one rectangle per thread of
 * {@link Parallel}'s pool and runs the cache-blocked packed kernel ({@link BlockedGemm}) on each;
 * tiny problems and those with very few rows or columns take the unpacked {@link DirectGemm}
 * path instead.
 */
public final class VectorGemm implements GemmKernel {
    /** Below this many multiply-adds (m·n·k) packing costs more than it saves. */
    static final long SMALL_WORK = 32 * 1024;
    /**
     * Below this many multiply-adds a second thread is not worth waking (tuned against a
     * ForkJoinPool's 10–20 µs round trip; the worker team is quicker, not re-tuned).
     */
    static final long PARALLEL_MIN_WORK = 1L << 21;
    /**
     * A product with very few rows or columns (decode: one token times a weight) is bound by
     * reading its big operand, not by its multiply-adds: from this many elements of it (512 KiB of
     * floats, some 40 µs on one core) two threads stream it faster than one, although its
     * multiply-adds are far below {@link #PARALLEL_MIN_WORK}. Measured on a decode step of the 60M
     * LLaMA, whose block projections (0.26–0.7 M elements) had all run on one thread.
     */
    static final long STREAM_PARALLEL_MIN_ELEMENTS = 1L << 17;
    /** With fewer rows than this, packing B costs about as much as the product itself. */
    static final int DIRECT_MAX_ROWS = 4;
    /**
     * With fewer columns than this, most lanes of a packed tile would be padding; dot products
     * along k do better (measured 2× at n = 8; not for A and B both transposed, which would need
     * a copy of all of A).
     */
    static final int DIRECT_MAX_COLS = Integer.getInteger("lowrank4j.gemm.directMaxCols", 9);

    /**
     * A product whose inner dimension dwarfs C (a weight gradient over many positions: LeNet5's
     * conv1 is 20×25 over 36,864 patch rows) is cut along k into this many parts, summed in a fixed
     * order afterwards. Cutting C instead would leave one thread idle (C is narrower than two
     * tiles) or have both pack all of one operand. The number of parts never depends on the
     * thread count, so neither do the results.
     */
    static final int SPLIT_K_PARTS = 4;
    /** Split k only for C of at most this many elements (the partial sums are kept, 3 MiB at most). */
    static final long SPLIT_K_MAX_C = 1L << 18;
    private static final ThreadLocal<float[][]> SPLIT_K_PARTIALS = ThreadLocal.withInitial(() -> new float[1][0]);

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmArguments.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) { // BLAS quick return: A and B are not read
            scale(c, cOff, ldc, m, n, beta);
            return;
        }
        long work = (long) m * n * k;
        boolean direct = work < SMALL_WORK || m < DIRECT_MAX_ROWS
                || (n < DIRECT_MAX_COLS && !(transA && transB));
        if (!direct && splitsK(m, n, k)) {
            multiplySplitK(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int threads = threadsFor(work, direct ? (long) Math.max(m, n) * k : 0);
        Grid grid = Grid.choose(threads, m, n, direct);
        Parallel.forEach(grid.parts(), part -> {
            int i0 = grid.rowStart(part, m), i1 = grid.rowStart(part + grid.colParts, m);
            int col = part % grid.colParts;
            int j0 = grid.colStart(col, n), j1 = grid.colStart(col + 1, n);
            if (i1 <= i0 || j1 <= j0) return;
            int aSub = transA ? aOff + i0 : aOff + i0 * lda;
            int bSub = transB ? bOff + j0 * ldb : bOff + j0;
            int cSub = cOff + i0 * ldc + j0;
            if (direct) {
                DirectGemm.multiply(transA, transB, i1 - i0, j1 - j0, k, alpha, a, aSub, lda,
                        b, bSub, ldb, beta, c, cSub, ldc);
            } else {
                BlockedGemm.multiply(transA, transB, i1 - i0, j1 - j0, k, alpha, a, aSub, lda,
                        b, bSub, ldb, beta, c, cSub, ldc);
            }
        });
    }

    /** Whether k is long enough against both sides of C, and C small enough, to cut k instead of C. */
    static boolean splitsK(int m, int n, int k) {
        return k >= 4L * Math.max(m, n) && k >= SPLIT_K_PARTS * BlockedGemm.KC && (long) m * n <= SPLIT_K_MAX_C
                && (long) m * n * k >= PARALLEL_MIN_WORK;
    }

    /** Part 0 goes into C with beta; parts 1.. into partial sums, added onto C in part order. */
    private static void multiplySplitK(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                       float beta, float[] c, int cOff, int ldc) {
        int size = m * n;
        float[][] holder = SPLIT_K_PARTIALS.get();
        if (holder[0].length < (SPLIT_K_PARTS - 1) * size) holder[0] = new float[(SPLIT_K_PARTS - 1) * size];
        float[] partials = holder[0];
        Parallel.forEachTask(SPLIT_K_PARTS, part -> {
            int k0 = (int) ((long) k * part / SPLIT_K_PARTS), k1 = (int) ((long) k * (part + 1) / SPLIT_K_PARTS);
            int aSub = transA ? aOff + k0 * lda : aOff + k0;
            int bSub = transB ? bOff + k0 : bOff + k0 * ldb;
            if (part == 0) {
                BlockedGemm.multiply(transA, transB, m, n, k1 - k0, alpha, a, aSub, lda, b, bSub, ldb, beta, c, cOff, ldc);
            } else {
                BlockedGemm.multiply(transA, transB, m, n, k1 - k0, alpha, a, aSub, lda, b, bSub, ldb, 0f,
                        partials, (part - 1) * size, n);
            }
        });
        for (int part = 1; part < SPLIT_K_PARTS; part++) {
            int base = (part - 1) * size;
            for (int i = 0; i < m; i++) {
                int co = cOff + i * ldc, po = base + i * n;
                for (int j = 0; j < n; j++) c[co + j] += partials[po + j];
            }
        }
    }

    /** All threads from {@link #PARALLEL_MIN_WORK} multiply-adds or {@link #STREAM_PARALLEL_MIN_ELEMENTS} streamed elements, else 1. */
    static int threadsFor(long work, long streamedElements) {
        return work >= PARALLEL_MIN_WORK || streamedElements >= STREAM_PARALLEL_MIN_ELEMENTS ? Parallel.threads() : 1;
    }

    /** C = beta·C, with beta = 0 overwriting (so NaNs in C do not survive). */
    static void scale(float[] c, int cOff, int ldc, int m, int n, float beta) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int o = cOff + i * ldc;
            if (beta == 0f) Arrays.fill(c, o, o + n, 0f);
            else for (int j = 0; j < n; j++) c[o + j] *= beta;
        }
    }

    /**
     * How C is cut among threads: rowParts × colParts rectangles, row cuts on MR boundaries and
     * column cuts on NR (or vector) boundaries so only the outer edge has ragged tiles.
     */
    record Grid(int rowParts, int colParts, int rowUnit, int colUnit) {
        int parts() {
            return rowParts * colParts;
        }

        /** First row of the rectangle with index part (part / colParts is its row band). */
        int rowStart(int part, int m) {
            return cut(part / colParts, rowParts, m, rowUnit);
        }

        int colStart(int col, int n) {
            return cut(col, colParts, n, colUnit);
        }

        private static int cut(int index, int parts, int total, int unit) {
            if (index >= parts) return total;
            int units = (total + unit - 1) / unit;
            return Math.min(total, (int) ((long) units * index / parts) * unit);
        }

        /**
         * Picks the factorization of threads that duplicates the least packing: every row band
         * packs all of op(B) it touches and every column band all of op(A), so the cost of
         * rowParts × colParts is about rowParts·n + colParts·m. Bands thinner than one tile are
         * not allowed.
         */
        static Grid choose(int threads, int m, int n, boolean direct) {
            int rowUnit = direct ? 1 : MR, colUnit = direct ? L : NR;
            if (direct) { // split the long side; the direct loops have no tile alignment to keep
                return n / colUnit >= threads ? new Grid(1, threads, rowUnit, colUnit)
                        : new Grid(Math.max(1, Math.min(threads, m)), 1, rowUnit, colUnit);
            }
            int bestRows = 1, bestCols = 1;
            double bestCost = Double.MAX_VALUE;
            for (int rows = 1; rows <= threads; rows++) {
                if (threads % rows != 0) continue;
                int cols = threads / rows;
                if (m < rows * rowUnit || n < cols * colUnit) continue;
                double cost = (double) rows * n + (double) cols * m;
                if (cost < bestCost) {
                    bestCost = cost;
                    bestRows = rows;
                    bestCols = cols;
                }
            }
            if (bestCost == Double.MAX_VALUE) { // too small for an exact factorization: 1-D cut
                bestRows = Math.max(1, Math.min(threads, m / rowUnit));
                bestCols = 1;
                if (bestRows == 1) bestCols = Math.max(1, Math.min(threads, n / colUnit));
            }
            return new Grid(bestRows, bestCols, rowUnit, colUnit);
        }
    }
}
