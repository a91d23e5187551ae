package dev.lowrank4j.bounds;

import dev.lowrank4j.linalg.SingularValues;

/**
 * The norms of one layer that the bounds are made of: all singular values (descending, from the
 * engine's dense SVD), the Frobenius norm and ‖Wᵀ‖_{2,1} (the sum of the row norms of the
 * [out, in] matrix: Bartlett et al.'s (2,1) norm of the transpose).
 */
public record LayerSpectrum(String name, int rows, int cols, double[] singularValues, double frobenius,
                            double rowNormSum, String treatment) {

    public static LayerSpectrum of(LayerMatrix m) {
        double[] s = m.singularValues() != null ? m.singularValues().clone() : SingularValues.of(m.data(), m.rows(), m.cols(), m.name());
        double fro2 = 0, rowSum = 0;
        for (int i = 0; i < m.rows(); i++) {
            double r2 = 0;
            for (int j = 0; j < m.cols(); j++) {
                double v = m.data()[i * m.cols() + j];
                r2 += v * v;
            }
            fro2 += r2;
            rowSum += Math.sqrt(r2);
        }
        return new LayerSpectrum(m.name(), m.rows(), m.cols(), s, Math.sqrt(fro2), rowSum, m.treatment());
    }

    /** ‖W‖₂, the largest singular value. */
    public double spectral() {
        return singularValues[0];
    }

    public double smallest() {
        return singularValues[singularValues.length - 1];
    }

    /** σ_max / σ_min over the min(rows, cols) singular values; +∞ when the matrix is rank deficient. */
    public double conditionNumber() {
        return smallest() > 0 ? spectral() / smallest() : Double.POSITIVE_INFINITY;
    }

    /** ‖W‖_F² / ‖W‖₂², between 1 and min(rows, cols); 0 for the zero matrix. */
    public double stableRank() {
        return spectral() > 0 ? frobenius * frobenius / (spectral() * spectral()) : 0;
    }

    /** Σ_i ln σ_i over the min(rows, cols) singular values (−∞ when one is 0). */
    public double sumLogSingular() {
        double sum = 0;
        for (double v : singularValues) sum += Math.log(v);
        return sum;
    }

    /** out ≥ in and full column rank ({@link #numericalRank()}): x ↦ Wx is injective, the case the Koopman bound covers. */
    public boolean injective() {
        return rows >= cols && numericalRank() == cols;
    }

    /** Numerical rank: singular values above max(rows, cols)·ε·σ_max (LAPACK's default tolerance for a double SVD: the stored float matrix is exact, its SVD is computed in double). */
    public int numericalRank() {
        double tol = Math.max(rows, cols) * Math.ulp(1.0) * spectral();
        int r = 0;
        for (double v : singularValues) if (v > tol) r++;
        return r;
    }
}
