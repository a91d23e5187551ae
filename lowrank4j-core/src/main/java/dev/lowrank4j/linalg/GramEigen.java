package dev.lowrank4j.linalg;

/**
 * The backend of {@link GramTopSvd}: the Gram matrix of A's shorter side and its largest
 * eigenpairs, both in double. Double matters: the Gram matrix squares A's condition number, so
 * in float the eigenvectors of a decaying spectrum's tail (σ_r ≪ σ_1) would lose most digits; in
 * double only the float rounding of A itself remains, as for a direct float SVD.
 */
interface GramEigen {
    /**
     * A·Aᵀ (rows×rows) when {@code wide}, else Aᵀ·A (cols×cols), row-major, for the row-major
     * rows×cols A. At least the lower triangle (i ≥ j) is filled.
     */
    double[] gram(float[] a, int rows, int cols, boolean wide);

    /** The {@code count} largest eigenpairs of a Gram matrix from {@link #gram}, eigenvalues descending. */
    Pairs largest(double[] g, int size, int count, String name);

    /** {@code vectors} is count×size row-major: row j is the unit eigenvector of {@code values[j]}. */
    record Pairs(double[] values, float[] vectors) {}

    String describe();
}
