package dev.lowrank4j.loqt;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Moore–Penrose pseudo-inverse of a short-and-wide or tall-and-thin float matrix through the Gram
 * matrix of its shorter side, in double: A⁺ = Aᵀ(AAᵀ)⁺ (rows ≤ cols) or (AᵀA)⁺Aᵀ. For LoQT's P
 * (r × n or m × r) the Gram matrix is only r × r. Eigenvalues below torch.linalg.pinv's cutoff
 * (singular values under max(rows, cols)·ε_float·σ_max) are dropped, so a rank-deficient P (an
 * NF4-rounded one, say) still gets the least-squares inverse rather than an overflow.
 */
final class Pinv {
    private Pinv() {}

    /** The cols × rows pseudo-inverse of the row-major rows × cols {@code a}. */
    static float[] of(float[] a, int rows, int cols) {
        boolean wide = rows <= cols;
        int k = wide ? rows : cols;
        double[] g = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                if (wide) for (int c = 0; c < cols; c++) s += (double) a[i * cols + c] * a[j * cols + c];
                else for (int r = 0; r < rows; r++) s += (double) a[r * cols + i] * a[r * cols + j];
                g[i * k + j] = s;
                g[j * k + i] = s;
            }
        }
        double[] ginv = symmetricPinv(g, k, Math.max(rows, cols));
        float[] out = new float[cols * rows];
        if (wide) { // A⁺ [cols, rows] = Aᵀ · G⁺
            for (int c = 0; c < cols; c++) {
                for (int j = 0; j < rows; j++) {
                    double s = 0;
                    for (int i = 0; i < rows; i++) s += a[i * cols + c] * ginv[i * k + j];
                    out[c * rows + j] = (float) s;
                }
            }
        } else { // A⁺ [cols, rows] = G⁺ · Aᵀ
            for (int i = 0; i < cols; i++) {
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    for (int j = 0; j < cols; j++) s += ginv[i * k + j] * a[r * cols + j];
                    out[i * rows + r] = (float) s;
                }
            }
        }
        return out;
    }

    private static double[] symmetricPinv(double[] g, int k, int longSide) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, true, true);
        if (!eig.decompose(new DMatrixRMaj(k, k, true, g.clone()))) {
            throw new IllegalStateException("eigen-decomposition of a " + k + "x" + k + " Gram matrix did not converge");
        }
        double max = 0;
        for (int e = 0; e < k; e++) max = Math.max(max, eig.getEigenvalue(e).real);
        double rtol = longSide * Math.ulp(1f);
        double cutoff = max * rtol * rtol; // on eigenvalues = σ²
        double[] out = new double[k * k];
        for (int e = 0; e < k; e++) {
            double lambda = eig.getEigenvalue(e).real;
            if (!(lambda > cutoff) || lambda <= 0) continue;
            DMatrixRMaj v = eig.getEigenVector(e);
            for (int i = 0; i < k; i++) {
                double vi = v.get(i) / lambda;
                for (int j = 0; j < k; j++) out[i * k + j] += vi * v.get(j);
            }
        }
        return out;
    }
}
