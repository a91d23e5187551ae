package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the search beyond the reference fixture (PtqReferenceTest), which holds the
 * authors' grids for mixed and one-signed matrices, including one-signed rows inside a mixed matrix.
 */
class LpGridSearchTest {
    @Test
    void searchedGridBeatsMinMaxOnAnOutlierRow() {
        float[] w = new float[64];
        SplittableRandom rng = new SplittableRandom(4);
        for (int j = 0; j < w.length; j++) w[j] = (float) (0.02 * GradCheck.gaussian(rng));
        w[10] = 0.5f;
        Tensor t = new Tensor(w, 1, 64);
        QuantGrid lp = LpGridSearch.search("w", t, 4), mm = QuantGrid.minMax("w", t, 4);
        assertTrue(lp.scales()[0] < mm.scales()[0], "clipping the outlier shrinks the step");
        assertTrue(LpGridSearch.lpError(w, 0, 64, lp.scales()[0], lp.zeroPoints()[0], 4)
                < LpGridSearch.lpError(w, 0, 64, mm.scales()[0], mm.zeroPoints()[0], 4));
    }

    @Test
    void allZeroMatrixGetsTheScaleFloor() {
        QuantGrid g = LpGridSearch.search("w", Tensor.zeros(2, 5), 4);
        assertEquals(QuantGrid.MIN_SCALE, g.scales()[1]);
        assertEquals(0, g.zeroPoints()[1]);
    }

    @Test
    void vectorLpErrorAgreesWithItsScalarTwin() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        for (int n : new int[] {1, 15, 16, 17, 100, 384, 1536}) {
            float[] w = new float[n + 3];
            for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextGaussian() * 0.05);
            w[3] = 0f; // an exact zero and exact grid points: errors of 0
            for (int bits : new int[] {2, 3, 4, 8}) {
                for (float scale : new float[] {1e-4f, 3.7e-3f, 0.02f, 0.5f}) {
                    for (int zero : new int[] {0, 1, (1 << bits) / 2, (1 << bits) - 1}) {
                        float fast = LpGridSearch.lpError(w, 3, n, scale, zero, bits);
                        float ref = LpGridSearch.lpErrorScalar(w, 3, n, scale, zero, bits);
                        assertEquals(ref, fast, 1e-5 * ref + 1e-30, "n " + n + " bits " + bits + " scale " + scale + " zero " + zero);
                    }
                }
            }
        }
    }

    @Test
    void vectorRoundingIsMathRintIncludingTiesAndLargeValues() {
        var species = dev.lowrank4j.kernels.Lanes.FLOATS;
        float[] q = new float[species.length() * 4];
        float[] special = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0f, -0f, 0.49999997f, -0.49999997f, 8388607.5f, 8388608f,
                -8388609f, 1e9f, -1e9f, 3.4e38f, 123.5f, -123.5f, 7.0000005f, -6.9999995f};
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < q.length; i++) q[i] = i < special.length ? special[i] : (float) (rng.nextGaussian() * 40);
        for (int off = 0; off + species.length() <= q.length; off += species.length()) {
            float[] got = LpGridSearch.roundHalfEven(jdk.incubator.vector.FloatVector.fromArray(species, q, off)).toArray();
            for (int l = 0; l < got.length; l++) {
                float want = (float) Math.rint(q[off + l]);
                assertEquals(want, got[l], 0f, "rint(" + q[off + l] + ")");
            }
        }
    }
}
