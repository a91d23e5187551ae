package dev.lowrank4j.loqt;

import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.GaLoreAdamW;
import dev.lowrank4j.optim.GaLoreOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ALGORITHMS §4(h).4: without quantization, with C = 0 and the same P (no refresh), LoQT-nq with
 * Adam on B makes the same weight update as GaLore-Adam with α = s. Adam is scale-invariant in
 * its input apart from ε, and B's gradient is s times GaLore's projected one, so the exact
 * statement uses ε_LoQT = s·ε_GaLore (both with GaLore's Adam form).
 */
class LoqtGaLoreIdentityTest {
    private static final int STEPS = 12, R = 3;
    private static final double LR = 0.05, S = 0.4, EPS = 1e-6;

    private static double maxDifference(int in, int out, double galoreScale) {
        LeastSquares data = new LeastSquares(20, in, out, 7);
        // GaLore on a plain layer; T = ∞: the projector from the first gradient, kept
        Linear plain = LoqtLinearTest.dense("m.q_proj", in, out, 11);
        Parameter w = plain.weight();
        GaLoreOptions go = GaLoreOptions.of(R).withUpdateGap(GaLoreOptions.NEVER_REFRESH).withScale(galoreScale)
                .withAdam(0.9, 0.999, EPS).withSvd(TopSvd.exactJava());
        GaLoreAdamW galore = GaLoreAdamW.galore(List.of(w), List.of(), go);

        // LoQT-nq from the same weight: P from the same first gradient, then Adam on B alone
        LoqtLinear loqt = new LoqtLinear("m.q_proj", LoqtLinearTest.dense("m.q_proj", in, out, 11),
                LoqtConfig.notQuantized(R).withAlpha(S).withCompensation(0));
        loqt.beginUpdate();
        data.backward(loqt);
        loqt.finishUpdate(TopSvd.exactJava(), 0);
        GaLoreAdamW adamOnB = GaLoreAdamW.galore(List.of(), List.of(loqt.factor()), go.withAdam(0.9, 0.999, S * EPS));

        double worst = 0, scale = 0;
        float[] w0 = w.data().clone();
        for (int t = 0; t < STEPS; t++) {
            w.zeroGrad();
            data.backward(plain);
            galore.step(LR);
            loqt.factor().zeroGrad();
            data.backward(loqt);
            adamOnB.step(LR);
            float[] merged = loqt.mergedWeight();
            for (int i = 0; i < merged.length; i++) {
                worst = Math.max(worst, Math.abs(merged[i] - w.data()[i]));
                scale = Math.max(scale, Math.abs(w.data()[i] - w0[i]));
            }
        }
        assertTrue(scale > 1e-2, "the weights moved: " + scale);
        return worst / scale;
    }

    @Test
    void loqtNqEqualsGaLoreAdamForBothSides() {
        double left = maxDifference(8, 12, S), right = maxDifference(12, 8, S);
        System.out.printf("LoQT-nq vs GaLore-Adam: relative difference %.2e (left), %.2e (right)%n", left, right);
        assertTrue(left < 1e-4, "left (in <= out), relative difference " + left);
        assertTrue(right < 1e-4, "right (in > out), relative difference " + right);
        // the comparison can tell: with α ≠ s the trajectories part
        assertTrue(maxDifference(8, 12, 2 * S) > 0.1, "α = 2s must differ");
    }
}
