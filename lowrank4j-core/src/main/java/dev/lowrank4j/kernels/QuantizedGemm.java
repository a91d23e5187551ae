package dev.lowrank4j.kernels;

/**
 * Products with a packed weight W [out, in] ({@link PackedMatrix}) that never materialise the
 * float32 W: the weight is unpacked panel by panel inside the GEMM, where the float kernel would
 * copy it ({@link QuantizedBlockedGemm}), or row by row for decode shapes of a few rows
 * ({@link QuantizedDirectGemm}). The float micro-kernels do the arithmetic, and the work is split
 * over {@link Parallel}'s pool as in {@link VectorGemm}. Results do not depend on the thread count.
 *
 * <p>Both products take row-major, contiguous matrices: x [rows, in], y [rows, out].
 */
public final class QuantizedGemm {
    /** Up to this many rows (decode: a few tokens) each weight row is unpacked once and dotted in place. */
    static final int DIRECT_MAX_ROWS = Integer.getInteger("lowrank4j.qgemm.directMaxRows", 8);

    private QuantizedGemm() {}

    /** y = x·deq(W)ᵀ + beta·y: x [rows, in] at xOff, y [rows, out] at yOff (beta = 0 overwrites). */
    public static void forward(int rows, float[] x, int xOff, PackedMatrix w, float beta, float[] y, int yOff) {
        run(true, rows, x, xOff, w, beta, y, yOff);
    }

    /** dx = dy·deq(W) + beta·dx: dy [rows, out] at dyOff, dx [rows, in] at dxOff (beta = 0 overwrites). */
    public static void inputGradient(int rows, float[] dy, int dyOff, PackedMatrix w, float beta, float[] dx, int dxOff) {
        run(false, rows, dy, dyOff, w, beta, dx, dxOff);
    }

    /**
     * C[m×n] = A[m×k]·op(W) + beta·C with op(W) = Wᵀ (forward: k = in, n = out) or W (input
     * gradient: k = out, n = in).
     */
    private static void run(boolean forward, int m, float[] a, int aOff, PackedMatrix w, float beta, float[] c, int cOff) {
        int n = forward ? w.rows() : w.cols(), k = forward ? w.cols() : w.rows();
        check(m, a, aOff, k, "input");
        check(m, c, cOff, n, "output");
        if (m == 0 || n == 0) return;
        if (k == 0) {
            VectorGemm.scale(c, cOff, n, m, n, beta);
            return;
        }
        long work = (long) m * n * k;
        boolean direct = m <= DIRECT_MAX_ROWS;
        int threads = VectorGemm.threadsFor(work, direct ? (long) n * k : 0); // direct: the weight is streamed
        if (direct) {
            // Each part owns a range of C's columns: weight rows (forward) or weight columns.
            int unit = forward ? 1 : QuantizedDirectGemm.COLUMN_UNIT;
            int units = (n + unit - 1) / unit, parts = Math.max(1, Math.min(threads, units));
            Parallel.forEach(parts, part -> {
                int j0 = Math.min(n, units * part / parts * unit), j1 = Math.min(n, units * (part + 1) / parts * unit);
                if (j1 <= j0) return;
                if (forward) QuantizedDirectGemm.forward(m, k, a, aOff, w, j0, j1, beta, c, cOff, n);
                else QuantizedDirectGemm.inputGradient(m, k, a, aOff, w, j0, j1, beta, c, cOff, n);
            });
            return;
        }
        VectorGemm.Grid grid = VectorGemm.Grid.choose(threads, m, n, false);
        Parallel.forEach(grid.parts(), part -> {
            int i0 = grid.rowStart(part, m), i1 = grid.rowStart(part + grid.colParts(), m);
            int col = part % grid.colParts();
            int j0 = grid.colStart(col, n), j1 = grid.colStart(col + 1, n);
            if (i1 <= i0 || j1 <= j0) return;
            QuantizedBlockedGemm.multiply(forward, i1 - i0, j1 - j0, k, a, aOff + i0 * k, k, w, j0,
                    beta, c, cOff + i0 * n + j0, n);
        });
    }

    private static void check(int rows, float[] x, int off, int cols, String what) {
        if (rows < 0) throw new IllegalArgumentException("negative row count " + rows);
        if (off < 0 || (long) off + (long) rows * cols > x.length) {
            throw new IllegalArgumentException(what + " [" + rows + ", " + cols + "] at offset " + off
                    + " does not fit an array of " + x.length);
        }
    }
}
