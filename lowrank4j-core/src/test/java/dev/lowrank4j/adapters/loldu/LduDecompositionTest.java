package dev.lowrank4j.adapters.loldu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LduDecompositionTest {
    /** P·L·D·U vs W (ALGORITHMS §8h.1); double elimination on float input is far tighter than this. */
    private static final double RECONSTRUCTION_TOLERANCE = 1e-5;

    @Test
    void fullRankPldUReconstructsSquareTallAndWideMatrices() {
        int[][] shapes = {{12, 12}, {20, 7}, {7, 20}, {1, 5}, {5, 1}};
        SplittableRandom rng = new SplittableRandom(1);
        for (int[] s : shapes) {
            float[] w = random(rng, s[0] * s[1]);
            LduDecomposition ldu = LduDecomposition.of(w, s[0], s[1]);
            assertEquals(Math.min(s[0], s[1]), ldu.k);
            assertTrue(relativeError(ldu.reconstruct(ldu.k, ldu.diag), w) < RECONSTRUCTION_TOLERANCE, Arrays.toString(s));
            checkStructure(ldu);
        }
    }

    @Test
    void pivotingHandlesAZeroLeadingEntry() {
        // [[0, 1], [1, 0]] has no LU without a row swap
        LduDecomposition ldu = LduDecomposition.of(new float[]{0, 1, 1, 0}, 2, 2);
        assertArrayEquals(new int[]{1, 0}, ldu.perm);
        assertTrue(relativeError(ldu.reconstruct(2, ldu.diag), new float[]{0, 1, 1, 0}) < RECONSTRUCTION_TOLERANCE);
    }

    @Test
    void singularPivotsAreClampedAndTheProductIsStillExact() {
        SplittableRandom rng = new SplittableRandom(2);
        int m = 9, n = 9;
        float[] w = random(rng, m * n);
        for (int i = 0; i < m; i++) {
            w[i * n + 3] = 0;                 // a zero column makes pivot 3 exactly zero
            w[i * n + 6] = 2 * w[i * n + 5];  // a dependent column makes a later pivot round to ~0
        }
        LduDecomposition ldu = LduDecomposition.of(w, m, n);
        double maxAbs = 0;
        for (float v : w) maxAbs = Math.max(maxAbs, Math.abs(v));
        for (double d : ldu.diag) {
            assertTrue(Double.isFinite(d) && Math.abs(d) >= LduDecomposition.PIVOT_FLOOR_RELATIVE * maxAbs, "guarded pivot " + d);
        }
        for (double u : ldu.upper) assertTrue(Double.isFinite(u));
        assertTrue(relativeError(ldu.reconstruct(ldu.k, ldu.diag), w) < RECONSTRUCTION_TOLERANCE);
        float[] zeros = new float[12];
        LduDecomposition z = LduDecomposition.of(zeros, 3, 4);
        for (double u : z.upper) assertEquals(0.0, u);
    }

    /** perm is a permutation; L unit lower, U unit upper (except clamped rows). */
    private static void checkStructure(LduDecomposition ldu) {
        int[] sorted = ldu.perm.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
        for (int i = 0; i < ldu.rows; i++) {
            for (int j = i; j < ldu.k; j++) assertEquals(i == j ? 1.0 : 0.0, ldu.lower[i * ldu.k + j]);
            for (int j = 0; j < Math.min(i, ldu.k); j++) assertTrue(Math.abs(ldu.lower[i * ldu.k + j]) <= 1.0, "partial pivoting bounds |L| by 1");
        }
        for (int i = 0; i < ldu.k; i++) {
            assertEquals(1.0, ldu.upper[i * ldu.cols + i], 1e-15);
            for (int c = 0; c < i; c++) assertEquals(0.0, ldu.upper[i * ldu.cols + c]);
        }
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) (rng.nextDouble() * 2 - 1);
        return w;
    }

    static double relativeError(double[] got, float[] want) {
        double num = 0, den = 0;
        for (int i = 0; i < got.length; i++) {
            num = Math.max(num, Math.abs(got[i] - want[i]));
            den = Math.max(den, Math.abs(want[i]));
        }
        return num / den;
    }
}
