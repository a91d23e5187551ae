package dev.lowrank4j.linalg;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.lowrank4j.kernels.NativeRequirement;

/**
 * The sign convention and the agreement of the SVD paths: with well-separated singular values
 * every path must return the same vectors, entry by entry, not merely the same subspaces.
 */
class ExactSvdPathsTest {
    /** Unit vectors rounded to float, Gram route against a full double SVD; measured ≤ 6e-6 (steep decay). */
    private static final double EXACT_VECTOR_TOL = 2e-5;
    /** Singular values relative to the largest. */
    private static final double EXACT_VALUE_TOL = 1e-5;
    /** Randomized (oversampling 8, one power iteration) on decay 0.5; measured about 1e-5. */
    private static final double RANDOMIZED_VECTOR_TOL = 2e-4;
    private static final int[][] SHAPES = {{60, 25}, {25, 60}, {33, 33}, {1, 9}, {9, 1}};

    /** Singular values 1, 0.7, 0.49, …: 30% gaps, so every vector is well defined. */
    private static float[] separated(int rows, int cols, long seed) {
        return TestMatrices.withSpectrum(rows, cols, TestMatrices.geometric(Math.min(rows, cols), 0.7), seed);
    }

    /**
     * Separated, flat (Gaussian) and steeply decaying (σ_r = 1e-3·σ_1: where a Gram matrix in
     * float would fail) matrices, each path against the full SVD in double.
     */
    private static void assertGivesTheFullSvdsVectors(TopSvd path) {
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], r = Math.min(8, Math.min(m, n));
            float[] steep = TestMatrices.withSpectrum(m, n, TestMatrices.geometric(Math.min(m, n), Math.pow(1e-3, 1.0 / r)), 5);
            for (float[] a : List.of(separated(m, n, 3), TestMatrices.gaussian(m, n, 4), steep)) {
                assertSameTriplets(new FullSvdReference().top(a, m, n, r, 0, "A"), path.top(a, m, n, r, 0, "A"),
                        EXACT_VECTOR_TOL, path.describe() + " " + m + "x" + n);
            }
        }
    }

    @Test
    void javaPathGivesTheFullSvdsVectors() {
        assertGivesTheFullSvdsVectors(TopSvd.exactJava());
    }

    @Test
    void nativePathGivesTheFullSvdsVectors() {
        var nativePath = TopSvd.exactNative();
        NativeRequirement.require(nativePath.isPresent(), "a system LAPACK");
        System.out.println("ExactSvdPathsTest: native path ran: " + nativePath.get().describe());
        assertGivesTheFullSvdsVectors(nativePath.get());
    }

    @Test
    void exactPicksNativeWhenPresent() {
        String expected = TopSvd.exactNative().isPresent() ? "LAPACK" : "EJML";
        System.out.println("ExactSvdPathsTest: TopSvd.exact() is " + TopSvd.exact().describe());
        assertTrue(TopSvd.exact().describe().contains(expected), TopSvd.exact().describe());
    }

    @Test
    void randomizedGivesTheExactVectorsWhenTheSpectrumDecays() {
        for (int[] s : new int[][] {{120, 70}, {70, 120}}) {
            int m = s[0], n = s[1], r = 6;
            float[] a = TestMatrices.withSpectrum(m, n, TestMatrices.geometric(40, 0.5), 8);
            assertSameTriplets(new FullSvdReference().top(a, m, n, r, 0, "A"), TopSvd.randomized().top(a, m, n, r, 5, "A"),
                    RANDOMIZED_VECTOR_TOL, m + "x" + n);
        }
    }

    @Test
    void everyPathPutsTheLargestEntryOfEachLeftVectorPositive() {
        Stream<TopSvd> paths = Stream.concat(Stream.of(TopSvd.exactJava(), TopSvd.randomized()), TopSvd.exactNative().stream());
        paths.forEach(svd -> {
            for (int[] s : SHAPES) {
                int m = s[0], n = s[1], r = Math.min(5, Math.min(m, n));
                SingularTriplets t = svd.top(TestMatrices.gaussian(m, n, 9), m, n, r, 2, "A");
                for (int j = 0; j < r; j++) {
                    float largest = 0;
                    for (int i = 0; i < m; i++) if (Math.abs(t.u()[i * r + j]) > Math.abs(largest)) largest = t.u()[i * r + j];
                    assertTrue(largest > 0, svd.describe() + " " + m + "x" + n + " vector " + j);
                }
            }
        });
    }

    @Test
    void conventionFlipsBothVectorsOfAPairAndBreaksTiesByTheLowestRow() {
        // column 0: tie 0.6 / −0.6, lowest row positive → kept; column 1: tie −0.6 / 0.6 → flipped;
        // column 2: largest is −0.8 → flipped.
        float[] u = {0.6f, -0.6f, 0.0f,
                     -0.6f, 0.6f, -0.8f,
                     0.0f, 0.0f, 0.6f};
        float[] vt = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        SignConvention.apply(u, 3, 3, vt, 3);
        assertArrayEquals(new float[] {0.6f, 0.6f, -0.0f, -0.6f, -0.6f, 0.8f, 0.0f, -0.0f, -0.6f}, u, 0f);
        assertArrayEquals(new float[] {1, 2, 3, -4, -5, -6, -7, -8, -9}, vt, 0f);
    }

    private static void assertSameTriplets(SingularTriplets expected, SingularTriplets actual, double vectorTol, String what) {
        double u = maxAbsDifference(expected.u(), actual.u()), v = maxAbsDifference(expected.vt(), actual.vt());
        assertTrue(u < vectorTol && v < vectorTol, what + ": max vector difference U " + u + ", Vt " + v);
        for (int j = 0; j < expected.rank(); j++) {
            assertEquals(expected.s()[j], actual.s()[j], EXACT_VALUE_TOL * expected.s()[0], what + " σ" + j);
        }
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
        return worst;
    }
}
