package dev.lowrank4j.linalg;

import dev.lowrank4j.Lowrank4jException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;

import java.util.Arrays;

/**
 * All min(rows, cols) singular values of a row-major float matrix, in double and in descending
 * order, from EJML's dense SVD (no vectors). Unlike the Gram route of {@link TopSvd#exact()},
 * the small singular values keep full relative accuracy, which log-determinants and condition
 * numbers need.
 */
public final class SingularValues {
    private SingularValues() {}

    public static double[] of(float[] a, int rows, int cols, String name) {
        MatrixChecks.requireShape(a, rows, cols, name);
        MatrixChecks.requireFinite(a, rows, cols, name);
        // EJML is fastest on tall matrices; the singular values of Aᵀ are those of A.
        boolean transpose = cols > rows;
        int m = transpose ? cols : rows, n = transpose ? rows : cols;
        double[] data = new double[m * n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (transpose) data[j * n + i] = a[i * cols + j];
                else data[i * n + j] = a[i * cols + j];
            }
        }
        var svd = DecompositionFactory_DDRM.svd(m, n, false, false, true);
        if (!svd.decompose(DMatrixRMaj.wrap(m, n, data))) {
            throw new Lowrank4jException("the SVD of " + name + " (" + rows + "x" + cols + ") did not converge");
        }
        double[] s = Arrays.copyOf(svd.getSingularValues(), Math.min(rows, cols));
        for (int i = 0; i < s.length; i++) s[i] = Math.abs(s[i]);
        Arrays.sort(s);
        for (int i = 0, j = s.length - 1; i < j; i++, j--) {
            double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }
}
