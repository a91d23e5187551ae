package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmChecks.OFFSET;
import static dev.lowrank4j.kernels.GemmChecks.assertMatchesReference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowrank4j.kernels.GemmChecks.Case;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VectorGemmTest {
    private static final int ORIGINAL_THREADS = Parallel.threads();
    private final VectorGemm gemm = new VectorGemm();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(ORIGINAL_THREADS);
    }

    /**
     * Shapes that reach every path: empty, single element, tiny (direct path), few rows or
     * columns (direct, GEMV-like, also chunked and split across threads), narrow C with A read in place (with a ragged last row panel), the 12-row narrow
     * kernel (a panel of exactly one vector), odd tails of MR and of both panel widths, k crossing
     * the kc block, m crossing the mc block, n crossing the nc panel, problems big enough to be
     * split across threads, and long-k products cut along k.
     */
    static final int[][] SHAPES = {
            {0, 5, 3}, {4, 0, 3}, {1, 1, 1}, {1, 1, 0}, {3, 4, 0}, {2, 3, 5},
            {17, 33, 65}, {1, 300, 129}, {3, 257, 200}, {5, 48, 300},
            {7, 17, 300}, {13, 31, 257}, {40, 16, 100}, {30, 48, 70}, {25, 8, 200},
            {64, 64, 64}, {37, 50, 513}, {199, 47, 61}, {6, 4200, 3}, {200, 300, 270}, {131, 97, 290},
            {1500, 5, 40}, {3000, 3, 700},
            // packed A whose last B panel is one vector wide: the twelve-row kernel over two packed panels
            {50, 80, 70}, {29, 48, 33},
            // k cut into parts (a long inner dimension under a small C), with a ragged last part
            {20, 25, 5001}, {9, 40, 6000},
    };

    static Stream<Arguments> shapesAndTransposes() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            for (int t = 0; t < 4; t++) out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("shapesAndTransposes")
    void matchesReferenceOnAllShapesAndTransposes(int m, int n, int k, boolean transA, boolean transB) {
        long seed = m * 1_000_003L + n * 1009L + k;
        assertMatchesReference(gemm, Case.random(seed, transA, transB, m, n, k, 1f, 0f));
        assertMatchesReference(gemm, Case.random(seed + 1, transA, transB, m, n, k, -0.75f, 1f));
        assertMatchesReference(gemm, Case.random(seed + 2, transA, transB, m, n, k, 1.5f, -0.5f));
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("shapesAndTransposes")
    void betaZeroOverwritesNaN(int m, int n, int k, boolean transA, boolean transB) {
        Case cs = Case.random(m + n + k, transA, transB, m, n, k, 0.5f, 0f);
        assertMatchesReference(gemm, cs.withC(GemmChecks.nans(cs.c().length)));
    }

    @Test
    void theTileHeightIsTheOneAskedFor() { // the build runs this class once per height (lowrank4j-core/pom.xml)
        String asked = System.getProperty("lowrank4j.gemm.rows");
        if (asked != null) assertEquals(Integer.parseInt(asked), GemmMicroKernel.MR);
        else assertTrue(GemmMicroKernel.MR == 4 || GemmMicroKernel.MR == 6 || GemmMicroKernel.MR == 8, "MR " + GemmMicroKernel.MR);
    }

    @Test
    void singleThreadGivesSameResultsAsParallel() {
        Parallel.setThreads(1);
        for (int t = 0; t < 4; t++) {
            assertMatchesReference(gemm, Case.random(t, (t & 1) != 0, (t & 2) != 0, 211, 150, 140, 1f, 0.5f));
        }
    }

    /** Splitting C among threads never changes the order in which one element is accumulated. */
    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        int[][] shapes = {{211, 150, 300}, {100, 120, 300}, {3000, 3, 700}, {2, 900, 1200}, {20, 25, 5001}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                Case cs = Case.random(t, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0.5f, 0.25f);
                Parallel.setThreads(1);
                float[] single = cs.run(gemm);
                for (int threads : new int[] {2, 3}) {
                    Parallel.setThreads(threads);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(single, cs.run(gemm), cs + " on " + threads);
                }
            }
        }
    }

    @Test
    void theLongKShapesAreTheOnesCutAlongK() {
        org.junit.jupiter.api.Assertions.assertTrue(VectorGemm.splitsK(20, 25, 5001));
        org.junit.jupiter.api.Assertions.assertTrue(VectorGemm.splitsK(9, 40, 6000));
        org.junit.jupiter.api.Assertions.assertTrue(VectorGemm.splitsK(20, 25, 36864), "LeNet5's conv1 weight gradient");
        org.junit.jupiter.api.Assertions.assertFalse(VectorGemm.splitsK(211, 150, 300));
        org.junit.jupiter.api.Assertions.assertFalse(VectorGemm.splitsK(1024, 1024, 1024));
    }

    @Test
    void moreThreadsThanCoresSplitsCorrectly() {
        Parallel.setThreads(6);
        for (int t = 0; t < 4; t++) {
            assertMatchesReference(gemm, Case.random(t, (t & 1) != 0, (t & 2) != 0, 190, 230, 120, 1f, 0f));
            assertMatchesReference(gemm, Case.random(t, (t & 1) != 0, (t & 2) != 0, 8, 900, 400, 1f, 0f));
        }
    }

    @Test
    void alphaZeroScalesCByBetaWithoutReadingOperands() {
        float[] c = {1, 2, 3, 4};
        gemm.sgemm(false, false, 2, 2, 3, 0f, GemmChecks.nans(6), 0, 3, GemmChecks.nans(6), 0, 2, 2f, c, 0, 2);
        assertEquals(List.of(2f, 4f, 6f, 8f), List.of(c[0], c[1], c[2], c[3]));
    }

    @Test
    void kZeroWithBetaZeroClearsC() {
        float[] c = GemmChecks.nans(OFFSET + 6);
        gemm.sgemm(true, false, 2, 3, 0, 1f, new float[0], 0, 2, new float[0], 0, 3, 0f, c, OFFSET, 3);
        for (int i = OFFSET; i < c.length; i++) assertEquals(0f, c[i]);
    }

    @Test
    void rejectsInvalidArguments() {
        float[] x = new float[16];
        assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertThrows(IllegalArgumentException.class, // lda smaller than k
                () -> gemm.sgemm(false, false, 2, 2, 3, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertThrows(IllegalArgumentException.class, // A too short for 4×4 at offset 1
                () -> gemm.sgemm(false, false, 4, 4, 4, 1f, x, 1, 4, x, 0, 4, 0f, x, 0, 4));
        assertThrows(IllegalArgumentException.class, // transposed B stored n×k needs ldb ≥ k
                () -> gemm.sgemm(false, true, 2, 2, 3, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 2));
    }
}
