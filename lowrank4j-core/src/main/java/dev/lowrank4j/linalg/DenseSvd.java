package dev.lowrank4j.linalg;

import dev.lowrank4j.Lowrank4jException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;

/**
 * A thin SVD in double through EJML, sorted by descending singular value (public for DLRT's small
 * coefficient SVDs, which need every triplet). Row-major results:
 * {@code u} is rows×s, {@code v} is cols×s (V, not Vᵀ), s = min(rows, cols).
 */
public record DenseSvd(int rows, int cols, double[] u, double[] s, double[] v) {

    public static DenseSvd of(double[] rowMajor, int rows, int cols, String name) {
        DMatrixRMaj a = DMatrixRMaj.wrap(rows, cols, rowMajor);
        var svd = DecompositionFactory_DDRM.svd(rows, cols, true, true, true);
        if (!svd.decompose(a)) {
            throw new Lowrank4jException("the SVD of " + name + " (" + rows + "x" + cols + ") did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        int k = Math.min(rows, cols);
        double[] s = new double[k];
        for (int i = 0; i < k; i++) s[i] = w.get(i, i);
        return new DenseSvd(rows, cols, u.data, s, v.data);
    }

    public int count() {
        return s.length;
    }
}
