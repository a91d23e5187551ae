package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour shared by FlexRound and LRQ: the start at RTN, the clamp mask, export. */
class LearnableQuantizerTest {
    /** W/s this close to a .5 tie may round differently on s1 and on exp(log s1) (one ulp apart). */
    private static final double TIE_MARGIN = 1e-5;
    /** Ŵ = q·exp(log s1) against q·s1: exp(log s1) is within an ulp or two of s1, and the product rounds. */
    private static final int INIT_ULPS = 4;
    /** Tolerance on log s1's gradient in the hand-computed clamp example (one float sum of five terms). */
    private static final double HAND_GRAD_TOLERANCE = 1e-6;
    /**
     * A second backward adds the same gradient again; GEMM's beta = 1 path sums in another order,
     * so the result is 2× the first up to float rounding relative to the tensor's largest entry.
     */
    private static final double ACCUMULATE_TOLERANCE = 1e-6;

    private static List<LearnableQuantizer> both(Tensor w, QuantGrid grid, int rank) {
        return List.of(FlexRoundQuantizer.create("m", w, grid), LrqQuantizer.create("m", w, grid, rank, new Rng(7)));
    }

    @Test
    void atInitBothEqualRoundToNearestOnTheirGridBitForBit() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int[] shape : new int[][] {{9, 14}, {16, 5}, {1, 1}}) {
            Tensor w = QuantizerFixtures.weight(rng, shape[0], shape[1]);
            for (GridInit init : GridInit.values()) {
                QuantGrid searched = init.grid("m", w, 4);
                for (LearnableQuantizer q : both(w, searched, 1)) {
                    float[] what = q.forward().data.clone();
                    QuantizedWeight rtn = RoundToNearest.quantize("m", w, q.currentGrid());
                    assertArrayEquals(rtn.dequantize().data, what, q.getClass().getSimpleName());
                    assertArrayEquals(rtn.codes(), q.export().codes());
                    assertMatchesRtnOnSearchedGrid(w, searched, q, what);
                }
            }
        }
    }

    /**
     * Against RTN on the grid as searched: the codes agree except where W/s sits on a rounding
     * tie (s1 is held as log s1, and exp(log s1) may be an ulp off s1), and Ŵ agrees to an ulp or so.
     */
    private static void assertMatchesRtnOnSearchedGrid(Tensor w, QuantGrid grid, LearnableQuantizer q, float[] what) {
        QuantizedWeight rtn = RoundToNearest.quantize("m", w, grid), mine = q.export();
        float[] expected = rtn.dequantize().data;
        int in = w.dim(1), ties = 0;
        for (int k = 0; k < expected.length; k++) {
            if (QuantizerFixtures.nearTie(w.data[k] / grid.scales()[k / in], TIE_MARGIN)) {
                ties++;
                continue;
            }
            assertEquals(rtn.codes()[k], mine.codes()[k], "code " + k);
            assertEquals(expected[k], what[k], INIT_ULPS * Math.ulp(expected[k]), "Ŵ " + k);
        }
        assertTrue(ties <= 1, ties + " near-ties: the margin or the weights are off");
    }

    @Test
    void clampedElementsGetNoGradientThroughTheDivisorAndBoundsPassIt() {
        // 2 bits, step 0.25, zero point 2: q ∈ [-2, 1]. W/s ≈ 1 (top bound), 2 (clamped), -2 (bottom
        // bound), -4 (clamped), 0.4 (inside).
        Tensor w = new Tensor(new float[] {0.25f, 0.5f, -0.5f, -1f, 0.1f}, 1, 5);
        FlexRoundQuantizer q = FlexRoundQuantizer.create("m", w, new QuantGrid(2, new float[] {0.25f}, new int[] {2}));
        float s1 = (float) Math.exp(q.logS1().data()[0]);
        assertArrayEquals(new float[] {s1, s1, -2 * s1, -2 * s1, 0f}, q.forward().data);
        float[] r = q.ratios().clone();
        q.backward(new Tensor(new float[] {1f, 1f, 1f, 1f, 1f}, 1, 5));
        float[] ds2 = q.s2().grad().data;
        assertEquals(-s1 * r[0], ds2[0]);
        assertEquals(0f, ds2[1]);
        assertEquals(-s1 * r[2], ds2[2]);
        assertEquals(0f, ds2[3]);
        assertEquals(-s1 * r[4], ds2[4]);
        double viaDivisor = ds2[0] + ds2[2] + ds2[4];
        assertEquals(viaDivisor, q.s3().grad().data[0], HAND_GRAD_TOLERANCE);
        // log s1: the dequantization term Σ q·s1 (clamped elements included) plus the divisor term.
        double dequant = (1 + 1 - 2 - 2 + 0) * s1;
        assertEquals(dequant + viaDivisor, q.logS1().grad().data[0], HAND_GRAD_TOLERANCE);
    }

    @Test
    void backwardAddsAndSkipsFrozenLearnables() {
        SplittableRandom rng = new SplittableRandom(2);
        Tensor w = QuantizerFixtures.weight(rng, 7, 11);
        for (LearnableQuantizer q : both(w, GridInit.LP_SEARCH.grid("m", w, 3), 4)) {
            QuantizerFixtures.randomize(q, rng, 0.2);
            Tensor g = QuantizerFixtures.weight(rng, 7, 11);
            q.forward();
            q.backward(g);
            List<float[]> once = q.parameters().stream().map(p -> p.grad().data.clone()).toList();
            q.backward(g);
            for (int p = 0; p < once.size(); p++) {
                float[] twice = q.parameters().get(p).grad().data;
                float largest = 0;
                for (float v : once.get(p)) largest = Math.max(largest, Math.abs(v));
                for (int k = 0; k < twice.length; k++) {
                    assertEquals(2 * once.get(p)[k], twice[k], ACCUMULATE_TOLERANCE * largest);
                }
            }
            Parameter logS1 = q.logS1();
            logS1.setTrainable(false);
            for (Parameter p : q.parameters()) p.zeroGrad();
            q.backward(g);
            for (int p = 1; p < once.size(); p++) assertArrayEquals(once.get(p), q.parameters().get(p).grad().data);
        }
    }

    @Test
    void exportKeepsTheCodesTheForwardUsedAndDropsTheLearnables() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor w = QuantizerFixtures.weight(rng, 8, 13);
        QuantGrid grid = GridInit.MIN_MAX.grid("m", w, 4);
        for (LearnableQuantizer q : both(w, grid, 2)) {
            QuantizerFixtures.randomize(q, rng, 0.3);
            float[] what = q.forward().data.clone();
            QuantizedWeight exported = q.export();
            assertArrayEquals(what, exported.dequantize().data);
            assertArrayEquals(grid.zeroPoints(), exported.zeroPoints());
            for (int i = 0; i < 8; i++) assertEquals((float) Math.exp(q.logS1().data()[i]), exported.scales()[i]);
            for (int i = 0; i < 8; i++) for (int j = 0; j < 13; j++) assertTrue(exported.code(i, j) <= 15);
            assertNotEquals(0, java.util.Arrays.compare(exported.codes(),
                    RoundToNearest.quantize("m", w, grid).codes()), "learned rounding moved some codes");
        }
    }
}
