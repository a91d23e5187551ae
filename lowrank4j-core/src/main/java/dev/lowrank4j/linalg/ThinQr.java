package dev.lowrank4j.linalg;

/**
 * Thin QR of a tall matrix (rows ≥ cols) by Householder reflections, computed in double.
 * Householder rather than Cholesky-QR because it never breaks down: a rank-deficient or all-zero
 * input still yields a Q with exactly orthonormal columns (zero columns become identity
 * directions), which is what the randomized range finder needs when a gradient has low rank.
 */
public final class ThinQr {
    private final int rows, cols;
    /** Column-major: R strictly above the diagonal, the Householder vectors' tails below it. */
    private final double[] factors;
    private final double[] tau;
    private final double[] diagonal;

    private ThinQr(int rows, int cols, double[] factors) {
        this.rows = rows;
        this.cols = cols;
        this.factors = factors;
        this.tau = new double[cols];
        this.diagonal = new double[cols];
        for (int j = 0; j < cols; j++) reflectColumn(j);
    }

    /** Factors a row-major {@code rows×cols} matrix. */
    public static ThinQr factor(float[] a, int rows, int cols) {
        checkShape(a.length, rows, cols);
        double[] colMajor = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) colMajor[c * rows + i] = a[i * cols + c];
        }
        return new ThinQr(rows, cols, colMajor);
    }

    /** An orthonormal basis (row-major {@code rows×cols}) of the column space of a, padded when a is rank-deficient. */
    public static float[] orthonormalBasis(float[] a, int rows, int cols) {
        return factor(a, rows, cols).q();
    }

    private static void checkShape(int length, int rows, int cols) {
        if (rows < cols || cols < 1) {
            throw new IllegalArgumentException("thin QR needs rows >= cols >= 1, got " + rows + "x" + cols);
        }
        if ((long) rows * cols != length) {
            throw new IllegalArgumentException(rows + "x" + cols + " needs " + (long) rows * cols + " values, got " + length);
        }
    }

    /** LAPACK dlarfg convention: H = I − τ v vᵀ with v[0] = 1, chosen so H x = (β, 0, …, 0). */
    private void reflectColumn(int j) {
        int base = j * rows + j, tail = rows - j - 1;
        double alpha = factors[base];
        double tailNormSq = DoubleVectors.dot(factors, base + 1, factors, base + 1, tail);
        if (tailNormSq == 0) { // already upper-triangular here: H = I keeps Q orthonormal
            tau[j] = 0;
            diagonal[j] = alpha;
            return;
        }
        double beta = -Math.copySign(Math.sqrt(alpha * alpha + tailNormSq), alpha);
        tau[j] = (beta - alpha) / beta;
        double inv = 1 / (alpha - beta);
        for (int i = base + 1; i < base + 1 + tail; i++) factors[i] *= inv;
        diagonal[j] = beta;
        for (int c = j + 1; c < cols; c++) applyReflector(j, factors, c * rows);
    }

    /** Applies H_j to the column of target starting at colStart (rows j..rows−1 change). */
    private void applyReflector(int j, double[] target, int colStart) {
        if (tau[j] == 0) return;
        int vTail = j * rows + j + 1, tTop = colStart + j, tail = rows - j - 1;
        double w = target[tTop] + DoubleVectors.dot(factors, vTail, target, tTop + 1, tail);
        double s = -tau[j] * w;
        target[tTop] += s;
        DoubleVectors.axpy(s, factors, vTail, target, tTop + 1, tail);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Q (row-major {@code rows×cols}) with orthonormal columns. */
    public float[] q() {
        double[] q = qColumnMajor();
        float[] out = new float[rows * cols];
        for (int c = 0; c < cols; c++) {
            for (int i = 0; i < rows; i++) out[i * cols + c] = (float) q[c * rows + i];
        }
        return out;
    }

    /** Q = H_0 ⋯ H_{k−1} [I; 0], accumulated backwards so each reflector touches only the columns it changes. */
    double[] qColumnMajor() {
        double[] q = new double[rows * cols];
        for (int c = 0; c < cols; c++) q[c * rows + c] = 1;
        for (int j = cols - 1; j >= 0; j--) {
            for (int c = j; c < cols; c++) applyReflector(j, q, c * rows);
        }
        return q;
    }

    /** R (row-major {@code cols×cols}, upper triangular) with A = Q R. */
    public double[] r() {
        double[] r = new double[cols * cols];
        for (int c = 0; c < cols; c++) {
            for (int i = 0; i < c; i++) r[i * cols + c] = factors[c * rows + i];
            r[c * cols + c] = diagonal[c];
        }
        return r;
    }
}
