package dev.lowrank4j.linalg;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThinQrTest {
    /** Q is rounded to float at the end, so its columns are orthonormal to float precision. */
    private static final double ORTHONORMAL_TOL = 1e-6;
    private static final double RECONSTRUCTION_TOL = 1e-5;

    @Test
    void reconstructsTallMatrixWithOrthonormalQAndTriangularR() {
        int m = 37, k = 11;
        float[] a = TestMatrices.gaussian(m, k, 1);
        ThinQr qr = ThinQr.factor(a, m, k);
        float[] q = qr.q();
        double[] r = qr.r();
        assertTrue(TestMatrices.orthonormalityError(q, m, k) < ORTHONORMAL_TOL);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) assertEquals(0.0, r[i * k + j], 0.0, "R below the diagonal");
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                double acc = 0;
                for (int c = 0; c < k; c++) acc += q[i * k + c] * r[c * k + j];
                assertEquals(a[i * k + j], acc, RECONSTRUCTION_TOL, "QR at " + i + "," + j);
            }
        }
    }

    @Test
    void squareMatrixGivesOrthogonalQ() {
        float[] a = TestMatrices.gaussian(9, 9, 2);
        assertTrue(TestMatrices.orthonormalityError(ThinQr.orthonormalBasis(a, 9, 9), 9, 9) < ORTHONORMAL_TOL);
    }

    @Test
    void rankDeficientAndZeroInputStillGiveOrthonormalColumns() {
        int m = 20, k = 6;
        float[] lowRank = TestMatrices.withSpectrum(m, k, new double[] {3, 1}, 3);
        float[] zero = new float[m * k];
        for (float[] a : new float[][] {lowRank, zero}) {
            float[] q = ThinQr.orthonormalBasis(a, m, k);
            assertTrue(TestMatrices.allFinite(q));
            assertTrue(TestMatrices.orthonormalityError(q, m, k) < ORTHONORMAL_TOL);
        }
    }

    @Test
    void rejectsWideInput() {
        assertThrows(IllegalArgumentException.class, () -> ThinQr.factor(new float[12], 3, 4));
    }
}
