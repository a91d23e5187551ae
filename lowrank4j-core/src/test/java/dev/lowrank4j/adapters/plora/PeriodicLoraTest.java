package dev.lowrank4j.adapters.plora;

import dev.lowrank4j.adapters.AdapterTestSupport.FakeHost;
import dev.lowrank4j.adapters.LowRankRegression;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraInjector;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.lowrank4j.adapters.AdapterTestSupport.bitwiseEqual;
import static dev.lowrank4j.adapters.AdapterTestSupport.maxRelativeError;
import static dev.lowrank4j.adapters.AdapterTestSupport.randomInput;
import static dev.lowrank4j.adapters.AdapterTestSupport.randomLinear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeriodicLoraTest {
    /** Output before vs after an exact unload: W + sBA computed as one float GEMM accumulation. */
    private static final double FUNCTION_TOLERANCE = 1e-5;
    /** Singular values below this fraction of σ_max count as zero (ALGORITHMS §7h). */
    private static final double RANK_THRESHOLD = 1e-3;
    private static final int D = 64, R = 4;
    private static final String PATH = "layer";

    private static LoraAdapters single(Linear base, long seed) {
        FakeHost host = new FakeHost(Map.of(PATH, new int[]{D, D}), new SplittableRandom(0));
        host.replaceLinear(PATH, base);
        return LoraInjector.inject(host, new LoraConfig(R, R, 0, false, LoraInit.KAIMING_UNIFORM, TargetModules.names(PATH), seed));
    }

    @Test
    void exactUnloadingPreservesTheFunctionAndResetsTheAdapter() {
        SplittableRandom rng = new SplittableRandom(1);
        LoraAdapters lora = single(randomLinear(PATH, D, D, false, rng), 2);
        LoraLinear l = lora.layer(PATH);
        GradCheck.fillRandom(l.loraB(), rng, 0, 0.2);
        l.loraA().grad().data[0] = 1f; // a stale gradient must not survive the reset
        Tensor x = randomInput(rng, 5, D);
        float[] before = l.forward(x).data.clone();
        float[] oldA = l.loraA().data().clone();

        PeriodicLora plora = new PeriodicLora(lora, PloraConfig.everySteps(10, 3));
        assertFalse(plora.atStageEnd(9));
        PeriodicLora.StepOutcome none = plora.afterStep(9);
        assertSame(PeriodicLora.StepOutcome.NOTHING, none);
        PeriodicLora.StepOutcome outcome = plora.afterStep(10);

        assertTrue(outcome.restartSchedule());
        assertEquals(lora.trainableParameters(), outcome.resetOptimizerState());
        assertEquals(1, plora.stagesCompleted());
        assertEquals(10, plora.stageStartStep());
        assertTrue(maxRelativeError(l.forward(x).data, before) < FUNCTION_TOLERANCE, "unloading changed the function");
        for (float b : l.loraB().data()) assertEquals(0f, b);
        assertFalse(bitwiseEqual(oldA, l.loraA().data()), "A was not re-drawn");
        for (Parameter p : outcome.resetOptimizerState()) for (float g : p.grad().data) assertEquals(0f, g);
    }

    @Test
    void aResumedScheduleDrawsTheSameReinitialisations() {
        SplittableRandom rng = new SplittableRandom(13);
        Linear base = randomLinear(PATH, D, D, false, rng);
        Linear twin = new Linear(new Parameter(PATH + ".weight", base.weight().value().copy()));
        LoraAdapters a = single(base, 14), b = single(twin, 14);
        PeriodicLora uninterrupted = new PeriodicLora(a, PloraConfig.everySteps(3, 15));
        for (long step = 1; step <= 9; step++) uninterrupted.afterStep(step);
        PeriodicLora resumed = new PeriodicLora(b, PloraConfig.everySteps(3, 15));
        resumed.resumeAt(7);
        assertEquals(2, resumed.stagesCompleted());
        assertEquals(6, resumed.stageStartStep());
        for (long step = 8; step <= 9; step++) resumed.afterStep(step);
        assertTrue(bitwiseEqual(a.layer(PATH).loraA().data(), b.layer(PATH).loraA().data()));
        assertEquals(uninterrupted.stageStartStep(), resumed.stageStartStep());
    }

    @Test
    void functionPreservingMomentumKeepsTheOutputAndTheThirdPartyVariantDoesNot() {
        for (MomentumUnloading mode : new MomentumUnloading[]{MomentumUnloading.FUNCTION_PRESERVING, MomentumUnloading.SCALE_BOTH}) {
            SplittableRandom rng = new SplittableRandom(4);
            LoraAdapters lora = single(randomLinear(PATH, D, D, false, rng), 5);
            LoraLinear l = lora.layer(PATH);
            GradCheck.fillRandom(l.loraB(), rng, 0, 0.2);
            float[] w0 = l.base().weight().data().clone(), b0 = l.loraB().data().clone(), a0 = l.loraA().data().clone();
            float[] delta0 = l.deltaWeight().data;
            Tensor x = randomInput(rng, 5, D);
            float[] before = l.forward(x).data.clone();

            PeriodicLora plora = new PeriodicLora(lora, PloraConfig.everySteps(100, 6).withMomentum(mode, 0.25, 2));
            assertFalse(plora.momentumDue(1));
            assertEquals(PeriodicLora.StepOutcome.NOTHING, plora.afterStep(2));

            // W gained exactly m·s·BA in both modes; B shrank by (1 − m).
            float[] w = l.base().weight().data();
            for (int i = 0; i < w.length; i++) assertEquals(w0[i] + 0.25f * delta0[i], w[i], 1e-6f);
            for (int i = 0; i < b0.length; i++) assertEquals(0.75f * b0[i], l.loraB().data()[i], 1e-7f);
            double change = maxRelativeError(l.forward(x).data, before);
            if (mode == MomentumUnloading.FUNCTION_PRESERVING) {
                assertTrue(bitwiseEqual(a0, l.loraA().data()));
                assertTrue(change < FUNCTION_TOLERANCE, "function-preserving momentum changed the output by " + change);
            } else {
                for (int i = 0; i < a0.length; i++) assertEquals(0.75f * a0[i], l.loraA().data()[i], 1e-7f);
                assertTrue(change > 100 * FUNCTION_TOLERANCE, "third-party momentum should change the output, changed " + change);
            }
        }
    }

    @Test
    void afterKStagesTheAccumulatedUpdateHasRankAtMostKr() {
        SplittableRandom rng = new SplittableRandom(7);
        LoraAdapters lora = single(randomLinear(PATH, D, D, false, rng), 8);
        LoraLinear l = lora.layer(PATH);
        float[] w0 = l.base().weight().data().clone();
        PeriodicLora plora = new PeriodicLora(lora, PloraConfig.everySteps(1, 9));
        for (int k = 1; k <= 20; k++) {
            // one random "training" move of B per stage stands in for a stage of training
            GradCheck.fillRandom(l.loraB(), rng, 0, 0.3);
            plora.unloadAndReset();
            double[] s = LowRankRegression.singularValuesOfDifference(l.base().weight().data(), w0, D, D);
            int rank = LowRankRegression.effectiveRank(s, RANK_THRESHOLD);
            assertTrue(rank <= k * R, "stage " + k + ": rank " + rank + " > " + k * R);
            // Near full rank a random square matrix has tiny trailing singular values, so the
            // "reaches k·r" half is checked only while k·r leaves room (d/2).
            if (k * R <= D / 2) assertEquals(k * R, rank, "a generic problem reaches k·r at stage " + k);
        }
    }

    @Test
    void periodicLoraBeatsLorasRankFloorOnARank16Target() {
        long t0 = System.nanoTime();
        Experiment lora = Experiment.run(false);
        Experiment plora = Experiment.run(true);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("LoRA r=%d: loss %.3e (rank-%d floor %.3e), rank(ΔW)=%d; PLoRA r=%d x %d stages: loss %.3e, rank(ΔW)=%d; %.2f s%n",
                R, lora.finalLoss, R, Experiment.LORA_FLOOR, lora.rank, R, Experiment.STAGES, plora.finalLoss, plora.rank, seconds);
        assertTrue(lora.rank <= R, "plain LoRA cannot exceed rank r");
        assertTrue(lora.finalLoss > 0.95 * Experiment.LORA_FLOOR, "LoRA went below the rank-r floor?");
        assertTrue(plora.rank > R, "PLoRA's accumulated update should exceed rank r");
        assertTrue(plora.finalLoss < 0.1 * Experiment.LORA_FLOOR, "PLoRA should go clearly below LoRA's floor");
    }

    /** LoRA and PLoRA trained with the same Adam, LR and total step count on the same task. */
    private record Experiment(double finalLoss, int rank) {
        static final int STAGES = 8, STEPS_PER_STAGE = 150, DELTA_RANK = 16;
        static final double LR = 0.02, DELTA_SCALE = 1.0;
        /** Best rank-r error: the 12 singular values (all DELTA_SCALE) that rank 4 cannot reach, ½Σσ²/d. */
        static final double LORA_FLOOR = 0.5 * (DELTA_RANK - R) * DELTA_SCALE * DELTA_SCALE / D;

        static Experiment run(boolean periodic) {
            SplittableRandom rng = new SplittableRandom(10);
            Linear base = randomLinear(PATH, D, D, false, rng);
            LowRankRegression task = new LowRankRegression(base.weight().data(),
                    LowRankRegression.randomLowRank(D, DELTA_RANK, DELTA_SCALE, rng), D);
            LoraAdapters lora = single(base, 11);
            LoraLinear layer = lora.layer(PATH);
            List<Parameter> params = lora.trainableParameters();
            AdamW adam = new AdamW(params, AdamW.Hyper.defaults()); // the production optimizer and its resetState
            PeriodicLora plora = new PeriodicLora(lora, PloraConfig.everySteps(STEPS_PER_STAGE, 12));
            for (long step = 1; step <= (long) STAGES * STEPS_PER_STAGE; step++) {
                task.lossAndBackward(layer);
                adam.step(LR);
                params.forEach(Parameter::zeroGrad);
                if (periodic) adam.resetState(plora.afterStep(step).resetOptimizerState());
            }
            double loss = task.loss(layer);
            float[] w = task.effectiveWeight(layer);
            int rank = LowRankRegression.effectiveRank(LowRankRegression.singularValuesOfDifference(w, task.w0, D, D), RANK_THRESHOLD);
            return new Experiment(loss, rank);
        }
    }
}
