package dev.lowrank4j.linalg;

/**
 * The backend of {@link GramTopSvd}: the Gram matrix of A's shorter side and its largest
 * eigenpairs, both in double. Double matters: the Gram matrix squares A's condition number, so
 * in float the eigenvectors of a decaying spectrum's tail (σ_r ≪ σ_1) lose most digits; in double
 * only the float rounding of A itself remains. Measured with σ_r = 1e-3·σ_1 (60×25, 25×60,
 * 256×688, r = 8): largest vector error 1e-4–3e-3 with a float Gram matrix, ≤ 2e-6 with a double one.
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
