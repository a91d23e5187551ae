package dev.lowrank4j.adapters.loldu;

import dev.lowrank4j.adapters.LowRankRegression;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.AdamW;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static dev.lowrank4j.adapters.AdapterTestSupport.randomLinear;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ALGORITHMS §8h behaviour checks on a frozen random 64×64 weight. */
class LolduBehaviourTest {
    private static final int D = 64, R = 16;
    private static final int STEPS = 600;
    private static final double LR = 0.01;
    /** "Fits exactly": the loss must fall by this factor from its starting value. */
    private static final double FIT_REDUCTION = 1e-6;

    @Test
    void fitsATargetInsideItsSpanWithSixteenParameters() {
        SplittableRandom rng = new SplittableRandom(1);
        Linear base = randomLinear("w", D, D, false, rng);
        float[] w0 = base.weight().data().clone();
        LolduLinear layer = LolduLinear.create("w", base, new LolduConfig(R, R, LolduInit.LU, false, TargetModules.names("w"), 2));
        // δ rescales the span's own directions: W* = W0 + P·L_r·diag(δ)·U_r
        double[] delta = new double[R];
        float[] dR = layer.diagonal();
        for (int j = 0; j < R; j++) delta[j] = 0.5 * dR[j] * (rng.nextDouble() * 2 - 1);
        float[] target = spanDelta(layer, delta);
        for (int i = 0; i < target.length; i++) target[i] = w0[i] + target[i];
        float[] deltaW = new float[D * D];
        for (int i = 0; i < deltaW.length; i++) deltaW[i] = target[i] - w0[i];
        LowRankRegression task = new LowRankRegression(w0, deltaW, D);

        double initial = task.loss(layer);
        double finalLoss = train(layer, task, List.of(layer.z()));
        System.out.printf("LoLDU r=%d (%d trainable) on an in-span target: loss %.3e -> %.3e%n", R, R, initial, finalLoss);
        assertTrue(finalLoss < FIT_REDUCTION * initial, "LoLDU did not fit a target inside its span: " + finalLoss);
    }

    @Test
    void recordsLolduR64AgainstLoraR1OnARandomLowRankTarget() {
        // Expressiveness per parameter, recorded rather than asserted (ALGORITHMS §8h makes no claim):
        // both must at least make progress.
        SplittableRandom rng = new SplittableRandom(3);
        Linear base = randomLinear("w", D, D, false, rng);
        float[] delta = LowRankRegression.randomLowRank(D, 4, 0.5, rng);
        LowRankRegression task = new LowRankRegression(base.weight().data(), delta, D);
        Linear baseCopy = new Linear(new Parameter("w.weight", base.weight().value().copy()));

        LolduLinear loldu = LolduLinear.create("w", base, new LolduConfig(D, D, LolduInit.LU, false, TargetModules.names("w"), 4));
        double lolduStart = task.loss(loldu), lolduLoss = train(loldu, task, List.of(loldu.z()));
        LoraLinear lora = LoraLinear.create("w", baseCopy, new LoraConfig(1, 1, 0, false, LoraInit.KAIMING_UNIFORM, TargetModules.names("w"), 5));
        double loraStart = task.loss(lora), loraLoss = train(lora, task, List.of(lora.loraA(), lora.loraB()));
        System.out.printf("random rank-4 target: LoLDU r=64 (64 params) %.3e -> %.3e; LoRA r=1 (128 params) %.3e -> %.3e; lower: %s%n",
                lolduStart, lolduLoss, loraStart, loraLoss, lolduLoss < loraLoss ? "LoLDU" : "LoRA");
        assertTrue(lolduLoss < lolduStart && loraLoss < loraStart);
    }

    private static double train(LinearLayer layer, LowRankRegression task, List<Parameter> params) {
        AdamW adam = new AdamW(params, AdamW.Hyper.defaults());
        for (int step = 0; step < STEPS; step++) {
            task.lossAndBackward(layer);
            adam.step(LR * (1 - (double) step / STEPS)); // linear decay lets Adam settle instead of hovering
            params.forEach(Parameter::zeroGrad);
        }
        return task.loss(layer);
    }

    /** P·L_r·diag(δ)·U_r from the layer's own frozen factors, in double. */
    private static float[] spanDelta(LolduLinear layer, double[] delta) {
        int[] perm = layer.permutation();
        float[] l = layer.lower().data(), u = layer.upper().data();
        double[] out = new double[D * D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < R; j++) {
                double f = l[i * R + j] * delta[j];
                for (int c = 0; c < D; c++) out[perm[i] * D + c] += f * u[j * D + c];
            }
        }
        float[] f = new float[out.length];
        for (int i = 0; i < out.length; i++) f[i] = (float) out[i];
        return f;
    }
}
