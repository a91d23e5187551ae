package dev.lowrank4j.linalg;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopSvdTest {
    /** Singular vectors come back in float. */
    private static final double ORTHONORMAL_TOL = 2e-5;
    /** Full-rank U·S·Vᵀ against A, relative to max |A|. */
    private static final double RECONSTRUCTION_TOL = 1e-4;
    /** ‖PPᵀ − QQᵀ‖_F between the exact path and the known generating subspace. */
    private static final double EXACT_SUBSPACE_TOL = 1e-3;
    /**
     * Randomized (oversampling 8, one power iteration) vs exact, by spectral decay per index.
     * Measured: about 2e-6 at 0.6 and 3e-3 at 0.8; without the power iteration 0.8 gives 0.2–0.4.
     */
    private static final double SUBSPACE_TOL_DECAY_06 = 1e-4;
    private static final double SUBSPACE_TOL_DECAY_08 = 2e-2;
    /**
     * Flat spectrum (Gaussian 120×70, r = 8, oversampling 8), RMS sine of the principal angles to
     * the exact subspace. Measured: q = 0: 0.79, 1: 0.60, 2: 0.47, 4: 0.23, 8: 0.07, 16: 0.005, 32: < 1e-3.
     */
    private static final double FLAT_DEFAULT_AT_LEAST = 0.3;
    private static final double FLAT_16_AT_MOST = 0.02;
    private static final double FLAT_32_AT_MOST = 1e-3;

    /** Every implementation: the Java exact path, the native one when the system has LAPACK, randomized. */
    static Stream<TopSvd> solvers() {
        return Stream.concat(Stream.of(TopSvd.exactJava(), TopSvd.randomized()), TopSvd.exactNative().stream());
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void vectorsAreOrthonormalForTallWideRankDeficientAndZero(TopSvd svd) {
        int[][] shapes = {{60, 25}, {25, 60}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], r = 10;
            float[][] inputs = {
                    TestMatrices.gaussian(m, n, 5),
                    TestMatrices.withSpectrum(m, n, new double[] {5, 2, 1}, 6), // rank 3 < r
                    new float[m * n]};
            for (float[] a : inputs) {
                SingularTriplets t = svd.top(a, m, n, r, 42, "A");
                assertTrue(TestMatrices.allFinite(t.u()) && TestMatrices.allFinite(t.vt()), "finite");
                assertTrue(TestMatrices.orthonormalityError(t.u(), m, r) < ORTHONORMAL_TOL, "UᵀU = I");
                assertTrue(TestMatrices.orthonormalityError(TestMatrices.transpose(t.vt(), r, n), n, r) < ORTHONORMAL_TOL,
                        "V Vᵀ = I");
                for (int i = 1; i < r; i++) assertTrue(t.s()[i - 1] >= t.s()[i], "descending singular values");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void fullRankReconstructsTheMatrix(TopSvd svd) {
        for (int[] s : new int[][] {{30, 12}, {12, 30}, {16, 16}}) {
            float[] a = TestMatrices.gaussian(s[0], s[1], 7);
            int r = Math.min(s[0], s[1]);
            assertTrue(TestMatrices.relativeReconstructionError(a, svd.top(a, s[0], s[1], r, 1, "A")) < RECONSTRUCTION_TOL);
        }
    }

    @Test
    void randomizedSubspaceAgreesWithExactOnDecayingSpectrum() {
        assertSubspacesAgree(0.6, SUBSPACE_TOL_DECAY_06);
        assertSubspacesAgree(0.8, SUBSPACE_TOL_DECAY_08);
    }

    private static void assertSubspacesAgree(double decay, double tolerance) {
        int r = 8;
        for (int[] s : new int[][] {{120, 70}, {70, 120}}) {
            int m = s[0], n = s[1];
            float[] a = TestMatrices.withSpectrum(m, n, TestMatrices.geometric(40, decay), 11);
            SingularTriplets exact = TopSvd.exact().top(a, m, n, r, 0, "A");
            SingularTriplets fast = TopSvd.randomized().top(a, m, n, r, 99, "A");
            double left = TestMatrices.projectorDistance(exact.u(), fast.u(), m, r);
            double right = TestMatrices.projectorDistance(TestMatrices.transpose(exact.vt(), r, n),
                    TestMatrices.transpose(fast.vt(), r, n), n, r);
            assertTrue(left < tolerance, "left subspace distance " + left + " at decay " + decay);
            assertTrue(right < tolerance, "right subspace distance " + right + " at decay " + decay);
        }
    }

    /**
     * Gaussian matrices have a flat spectrum, like the gradients of the GaLore reference check:
     * one power iteration leaves the randomized subspace far off, which is why it is not the default.
     */
    @Test
    void randomizedOnAFlatSpectrumNeedsManyPowerIterations() {
        int m = 120, n = 70, r = 8;
        float[] a = TestMatrices.gaussian(m, n, 5);
        SingularTriplets exact = TopSvd.exact().top(a, m, n, r, 0, "A");
        StringBuilder table = new StringBuilder("TopSvdTest: randomized on Gaussian 120x70, r 8, error by power iterations:");
        double[] error = new double[33];
        for (int q : new int[] {0, 1, 2, 4, 8, 16, 32}) {
            SingularTriplets t = TopSvd.randomized(8, q).top(a, m, n, r, 1, "A");
            error[q] = TestMatrices.projectorDistance(exact.u(), t.u(), m, r) / Math.sqrt(2 * r);
            table.append(String.format(java.util.Locale.ROOT, " q=%d: %.4f", q, error[q]));
        }
        System.out.println(table);
        double atDefault = TestMatrices.projectorDistance(exact.u(), TopSvd.randomized().top(a, m, n, r, 1, "A").u(), m, r)
                / Math.sqrt(2 * r);
        assertTrue(atDefault > FLAT_DEFAULT_AT_LEAST, "the default randomized path is unexpectedly good: " + atDefault);
        assertTrue(error[16] < FLAT_16_AT_MOST && error[32] < FLAT_32_AT_MOST, table.toString());
        assertTrue(error[0] > error[2] && error[2] > error[8] && error[8] > error[16], table.toString());
    }

    @Test
    void exactFindsTheGeneratingSubspace() {
        int m = 50, n = 30, r = 4;
        float[] basis = ThinQr.orthonormalBasis(TestMatrices.gaussian(m, r, 21), m, r);
        float[] a = new float[m * n];
        float[] coeff = TestMatrices.gaussian(r, n, 22);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < r; c++) a[i * n + j] += basis[i * r + c] * coeff[c * n + j];
            }
        }
        SingularTriplets t = TopSvd.exact().top(a, m, n, r, 0, "A");
        assertTrue(TestMatrices.projectorDistance(basis, t.u(), m, r) < EXACT_SUBSPACE_TOL);
    }

    @Test
    void byNameGivesTheCliChoicesAndAOneLineErrorOtherwise() {
        assertTrue(TopSvd.byName("exact").describe().startsWith("exact"));
        assertTrue(TopSvd.byName("randomized").describe().startsWith("randomized"));
        var bad = assertThrows(Lowrank4jException.class, () -> TopSvd.byName("lanczos"));
        assertTrue(bad.getMessage().contains("'lanczos'") && bad.getMessage().contains("exact, randomized")
                && !bad.getMessage().contains("\n"), bad.getMessage());
        assertThrows(Lowrank4jException.class, () -> TopSvd.byName(null));
    }

    @Test
    void randomizedIsReproducibleForASeed() {
        float[] a = TestMatrices.gaussian(40, 30, 3);
        SingularTriplets x = TopSvd.randomized().top(a, 40, 30, 5, 17, "A");
        SingularTriplets y = TopSvd.randomized().top(a, 40, 30, 5, 17, "A");
        assertArrayEquals(x.u(), y.u(), 0f);
        assertArrayEquals(x.vt(), y.vt(), 0f);
    }

    @ParameterizedTest
    @MethodSource("solvers")
    void rejectsImpossibleRankAndNonFiniteInputNamingTheMatrix(TopSvd svd) {
        float[] a = TestMatrices.gaussian(6, 4, 1);
        var tooBig = assertThrows(Lowrank4jException.class, () -> svd.top(a, 6, 4, 5, 0, "layer.q"));
        assertTrue(tooBig.getMessage().contains("layer.q") && tooBig.getMessage().contains("5"), tooBig.getMessage());
        assertThrows(Lowrank4jException.class, () -> svd.top(a, 6, 4, 0, 0, "layer.q"));
        a[7] = Float.NaN;
        var nan = assertThrows(Lowrank4jException.class, () -> svd.top(a, 6, 4, 2, 0, "layer.q"));
        assertTrue(nan.getMessage().contains("layer.q") && nan.getMessage().contains("NaN"), nan.getMessage());
    }
}
