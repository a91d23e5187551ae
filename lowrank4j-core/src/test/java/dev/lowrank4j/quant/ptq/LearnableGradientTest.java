package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every learnable's gradient against finite differences. The quantized loss L = Σ G ⊙ Ŵ is piecewise
 * constant in the divisor's learnables (rounding), so its finite differences are 0 or jumps. What
 * backward computes is autograd's straight-through gradient, which is the exact derivative of the
 * surrogate in which rounding is replaced by the identity around the current point and the clamp
 * mask m0 is held at its current value:
 * <pre>
 *   Ŵ~(θ) = s1(θ) ⊙ (q0 + m0 ⊙ (R(θ) − R0))      q0, m0, R0 = W ⊘ S at the point checked
 * </pre>
 * so that surrogate is what the finite differences are taken of. R(θ) comes from the production
 * forward, so the divisor's exponent (the authors' sums) is what gets differentiated.
 */
class LearnableGradientTest {
    private static final int OUT = 9;
    private static final int IN = 14;

    @Test
    void flexRoundGradientsMatchTheStraightThroughSurrogate() {
        SplittableRandom rng = new SplittableRandom(11);
        Tensor w = QuantizerFixtures.weight(rng, OUT, IN);
        FlexRoundQuantizer q = FlexRoundQuantizer.create("m", w, GridInit.LP_SEARCH.grid("m", w, 3));
        QuantizerFixtures.randomize(q, rng, 0.3);
        checkEveryLearnable(q, rng);
    }

    @Test
    void lrqGradientsMatchTheStraightThroughSurrogate() {
        SplittableRandom rng = new SplittableRandom(12);
        Tensor w = QuantizerFixtures.weight(rng, OUT, IN);
        LrqQuantizer q = LrqQuantizer.create("m", w, GridInit.LP_SEARCH.grid("m", w, 3), 4, new Rng(5));
        QuantizerFixtures.randomize(q, rng, 0.3);
        checkEveryLearnable(q, rng);
    }

    private static void checkEveryLearnable(LearnableQuantizer q, SplittableRandom rng) {
        float[] g = GradCheck.randomArray(rng, OUT * IN, 1.0);
        q.forward();
        float[] r0 = q.ratios().clone(), q0 = new float[r0.length];
        boolean[] inside = new boolean[r0.length];
        QuantGrid grid = q.currentGrid();
        int clamped = 0;
        for (int k = 0; k < r0.length; k++) {
            int z = grid.zeroPoints()[k / IN];
            float rounded = (float) Math.rint(r0[k]), lo = -z, hi = grid.levels() - 1 - z;
            inside[k] = rounded >= lo && rounded <= hi;
            q0[k] = Math.min(Math.max(rounded, lo), hi);
            if (!inside[k]) clamped++;
        }
        assertTrue(clamped > 0 && clamped < r0.length / 2, clamped + " clamped: the mask must be exercised");
        q.backward(new Tensor(g.clone(), OUT, IN));
        GradCheck.Loss surrogate = () -> {
            q.forward();
            float[] r = q.ratios(), logS1 = q.logS1().data();
            double sum = 0;
            for (int k = 0; k < r.length; k++) {
                double s1 = (float) Math.exp(logS1[k / IN]);
                double v = inside[k] ? q0[k] + ((double) r[k] - r0[k]) : q0[k];
                sum += g[k] * s1 * v;
            }
            return sum;
        };
        long seed = 100;
        for (Parameter p : q.parameters()) {
            GradCheck.assertMatches(p.name(), surrogate, p.data(), p.grad().data, seed++);
        }
        // The check can fail: a gradient 1% too large, and the divisor gradient without the clamp mask.
        float[] tooLarge = q.logS1().grad().data.clone();
        for (int i = 0; i < tooLarge.length; i++) tooLarge[i] *= 1.01f;
        assertTrue(GradCheck.worstError(surrogate, q.logS1().data(), tooLarge, 1) > GradCheck.RELATIVE_TOLERANCE);
        float[] unmasked = q.logS1().grad().data.clone();
        float[] logS1 = q.logS1().data();
        for (int k = 0; k < r0.length; k++) {
            if (!inside[k]) unmasked[k / IN] += (float) (-g[k] * Math.exp(logS1[k / IN]) * r0[k]);
        }
        assertTrue(GradCheck.worstError(surrogate, q.logS1().data(), unmasked, 1) > GradCheck.RELATIVE_TOLERANCE);
    }
}
