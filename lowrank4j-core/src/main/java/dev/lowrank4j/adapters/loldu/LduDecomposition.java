package dev.lowrank4j.adapters.loldu;

/**
 * W = P·L·D·U for an m×n matrix by Gaussian elimination with partial pivoting, in double
 * (LoLDU's {@code ldu_decomposition}, ALGORITHMS §8a). With k = min(m, n):
 * L [m, k] unit lower-trapezoidal, D [k], U [k, n] unit upper-trapezoidal. P is kept as the
 * row permutation {@code perm}: row i of L·D·U is row {@code perm[i]} of W.
 *
 * <p><b>Pivot guard.</b> The reference code divides U's rows by D, which yields Inf/NaN when a
 * pivot is (near) zero (a rank-deficient W). Here |D_i| is clamped to at least
 * {@code floor = PIVOT_FLOOR_RELATIVE·max|W|} (sign kept, 0 → +floor) and the SAME clamped value
 * is used to divide row i of U. So D_i·U_i is still the original row and P·L·D·U = W holds
 * exactly as before; the only trace of the clamp is that U_ii = D_i/clamp(D_i) is not 1 for
 * that row. Its z entry then starts near zero, as the direction carries (almost) no weight.
 */
public final class LduDecomposition {
    /** Clamp threshold for |D_i| relative to the largest |W| entry: far below any pivot of a usable weight. */
    public static final double PIVOT_FLOOR_RELATIVE = 1e-6;

    public final int rows;
    public final int cols;
    public final int k;
    /** Row i of L·D·U is row perm[i] of W. */
    public final int[] perm;
    /** L [rows, k], row-major. */
    public final double[] lower;
    /** D [k] after the pivot guard. */
    public final double[] diag;
    /** U [k, cols], row-major, rows divided by the guarded D. */
    public final double[] upper;

    private LduDecomposition(int rows, int cols, int[] perm, double[] lower, double[] diag, double[] upper) {
        this.rows = rows;
        this.cols = cols;
        this.k = diag.length;
        this.perm = perm;
        this.lower = lower;
        this.diag = diag;
        this.upper = upper;
    }

    public static LduDecomposition of(float[] w, int rows, int cols) {
        if (w.length != rows * cols) throw new IllegalArgumentException("expected " + rows + "x" + cols + " values, got " + w.length);
        int k = Math.min(rows, cols);
        double[] a = new double[w.length];
        double maxAbs = 0;
        for (int i = 0; i < w.length; i++) {
            a[i] = w[i];
            maxAbs = Math.max(maxAbs, Math.abs(a[i]));
        }
        int[] perm = new int[rows];
        for (int i = 0; i < rows; i++) perm[i] = i;
        for (int j = 0; j < k; j++) {
            int p = j;
            for (int i = j + 1; i < rows; i++) if (Math.abs(a[i * cols + j]) > Math.abs(a[p * cols + j])) p = i;
            if (p != j) swapRows(a, perm, cols, p, j);
            double pivot = a[j * cols + j];
            for (int i = j + 1; i < rows; i++) {
                // a zero pivot means the whole column below is zero too: nothing to eliminate, L entries 0
                double l = pivot == 0 ? 0 : a[i * cols + j] / pivot;
                a[i * cols + j] = l;
                if (l == 0) continue;
                for (int c = j + 1; c < cols; c++) a[i * cols + c] -= l * a[j * cols + c];
            }
        }
        double floor = maxAbs > 0 ? PIVOT_FLOOR_RELATIVE * maxAbs : Double.MIN_NORMAL;
        double[] lower = new double[rows * k], diag = new double[k], upper = new double[k * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < Math.min(i, k); j++) lower[i * k + j] = a[i * cols + j];
            if (i < k) lower[i * k + i] = 1;
        }
        for (int i = 0; i < k; i++) {
            double d = a[i * cols + i];
            if (Math.abs(d) < floor) d = d < 0 ? -floor : floor;
            diag[i] = d;
            for (int c = i; c < cols; c++) upper[i * cols + c] = a[i * cols + c] / d;
        }
        return new LduDecomposition(rows, cols, perm, lower, diag, upper);
    }

    private static void swapRows(double[] a, int[] perm, int cols, int p, int q) {
        for (int c = 0; c < cols; c++) {
            double t = a[p * cols + c];
            a[p * cols + c] = a[q * cols + c];
            a[q * cols + c] = t;
        }
        int t = perm[p];
        perm[p] = perm[q];
        perm[q] = t;
    }

    /** P·L[:, :r]·diag(scale)·U[:r, :] as a dense [rows, cols] double matrix (tests and W_res). */
    public double[] reconstruct(int r, double[] scale) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            int dst = perm[i] * cols;
            for (int j = 0; j < r; j++) {
                double f = lower[i * k + j] * scale[j];
                if (f == 0) continue;
                for (int c = 0; c < cols; c++) out[dst + c] += f * upper[j * cols + c];
            }
        }
        return out;
    }
}
