package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.lowrank4j.adapters.AdapterTestSupport.bitwiseEqual;
import static dev.lowrank4j.adapters.AdapterTestSupport.maxRelativeError;
import static dev.lowrank4j.adapters.AdapterTestSupport.randomInput;
import static dev.lowrank4j.adapters.AdapterTestSupport.randomLinear;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoraLinearTest {
    /** merged vs unmerged forward: float32 rounding of two different summation orders (ALGORITHMS §1h). */
    private static final double MERGE_TOLERANCE = 1e-5;
    /** merge then unmerge: W0 + Δ − Δ loses at most a few ulps of max(|W0|, |Δ|). */
    private static final double UNMERGE_TOLERANCE = 1e-6;
    private static final int IN = 24, OUT = 20, R = 4, ROWS = 6;
    private static final String PATH = "model.layers.0.self_attn.q_proj";

    private static LoraLinear layer(SplittableRandom rng, double dropout, boolean bias) {
        Linear base = randomLinear(PATH, IN, OUT, bias, rng);
        LoraLinear l = new LoraLinear(PATH, base, R, 8.0 / R, dropout, 11);
        LoraInitializer.initialize(l, LoraInit.KAIMING_UNIFORM, new Rng(5));
        return l;
    }

    private static void randomizeB(LoraLinear l, SplittableRandom rng) {
        GradCheck.fillRandom(l.loraB(), rng, 0, 0.3);
    }

    @Test
    void zeroBGivesExactlyTheBaseOutput() {
        SplittableRandom rng = new SplittableRandom(1);
        LoraLinear l = layer(rng, 0.0, true);
        Tensor x = randomInput(rng, ROWS, IN);
        Linear twin = new Linear(l.base().weight(), l.base().bias());
        float[] expected = twin.forward(x).data.clone();
        assertArrayEquals(expected, l.forward(x).data);
        assertArrayEquals(new float[OUT * IN], l.deltaWeight().data);
    }

    @Test
    void namesFollowPeftAndOnlyTheFactorsTrain() {
        LoraLinear l = layer(new SplittableRandom(2), 0.0, true);
        assertEquals(PATH + ".lora_A.weight", l.loraA().name());
        assertEquals(PATH + ".lora_B.weight", l.loraB().name());
        assertArrayEquals(new int[]{R, IN}, l.loraA().value().shape());
        assertArrayEquals(new int[]{OUT, R}, l.loraB().value().shape());
        assertFalse(l.base().weight().trainable());
        assertFalse(l.base().bias().trainable());
        assertEquals(4, l.parameters().size());
        assertTrue(l.loraA().trainable() && l.loraB().trainable());
    }

    @Test
    void scalingIsAlphaOverROrOverSqrtRWithRslora() {
        assertEquals(2.0, LoraConfig.scaling(4, 8, false), 0);
        assertEquals(4.0, LoraConfig.scaling(4, 8, true), 0);
        assertEquals(16 / Math.sqrt(8), LoraConfig.scaling(8, 16, true), 1e-15);
    }

    @Test
    void gradientsOfAandBandXMatchFiniteDifferences() {
        checkGradients(0.0);
    }

    @Test
    void gradientsThroughAFixedDropoutMaskMatchFiniteDifferences() {
        checkGradients(0.3);
    }

    private static void checkGradients(double dropout) {
        SplittableRandom rng = new SplittableRandom(3);
        LoraLinear l = layer(rng, dropout, true);
        randomizeB(l, rng);
        Tensor x = randomInput(rng, ROWS, IN);
        float[] probe = GradCheck.randomArray(rng, ROWS * OUT, 1.0);
        long maskState = l.dropoutRngState();
        // Every evaluation replays the same dropout mask, so the loss is a smooth function.
        GradCheck.Loss loss = () -> {
            l.setDropoutRngState(maskState);
            return GradCheck.probe(l.forward(x), probe);
        };
        l.setDropoutRngState(maskState);
        l.forward(x);
        float[] dx = l.backward(new Tensor(probe.clone(), ROWS, OUT)).data.clone();
        float[] gA = l.loraA().grad().data.clone(), gB = l.loraB().grad().data.clone();
        assertTrue(GradCheck.worstError(loss, l.loraA().data(), gA, 7) < GradCheck.RELATIVE_TOLERANCE, "dA");
        assertTrue(GradCheck.worstError(loss, l.loraB().data(), gB, 8) < GradCheck.RELATIVE_TOLERANCE, "dB");
        assertTrue(GradCheck.worstError(loss, x.data, dx, 9) < GradCheck.RELATIVE_TOLERANCE, "dx");
    }

    @Test
    void aBrokenGradientWouldBeCaught() {
        // The check above must be able to fail: one scaled-down entry of dA is detected.
        SplittableRandom rng = new SplittableRandom(4);
        LoraLinear l = layer(rng, 0.0, false);
        randomizeB(l, rng);
        Tensor x = randomInput(rng, ROWS, IN);
        float[] probe = GradCheck.randomArray(rng, ROWS * OUT, 1.0);
        l.forward(x);
        l.backward(new Tensor(probe.clone(), ROWS, OUT));
        float[] gA = l.loraA().grad().data.clone();
        for (int i = 0; i < IN; i++) gA[i] *= 0.9f; // first row of dA off by 10 %
        double err = GradCheck.worstError(() -> GradCheck.probe(l.forward(x), probe), l.loraA().data(), gA, 7);
        assertTrue(err > GradCheck.RELATIVE_TOLERANCE, "broken gradient passed: " + err);
    }

    @Test
    void mergedEqualsUnmergedAfterTrainingAndUnmergeRestoresW0() {
        SplittableRandom rng = new SplittableRandom(5);
        LoraLinear l = layer(rng, 0.0, true);
        float[] w0 = l.base().weight().data().clone();
        float[] b0 = l.base().bias().data().clone();
        trainSteps(l, rng, 5);
        assertTrue(bitwiseEqual(w0, l.base().weight().data()), "frozen base weight changed during training");
        assertTrue(bitwiseEqual(b0, l.base().bias().data()), "frozen bias changed during training");
        assertTrue(maxRelativeError(l.deltaWeight().data, new float[OUT * IN]) > 0, "training did not move B");

        Tensor x = randomInput(rng, ROWS, IN);
        float[] unmerged = l.forward(x).data.clone();
        l.merge();
        assertTrue(l.merged());
        float[] merged = l.forward(x).data.clone();
        assertTrue(maxRelativeError(merged, unmerged) < MERGE_TOLERANCE, "merged != unmerged");
        assertFalse(bitwiseEqual(w0, l.base().weight().data()), "merge did not change W");
        l.unmerge();
        assertTrue(maxRelativeError(l.base().weight().data(), w0) < UNMERGE_TOLERANCE, "unmerge did not restore W0");
        assertTrue(maxRelativeError(l.forward(x).data, unmerged) < MERGE_TOLERANCE);
    }

    /** A few plain SGD steps on the trainable parameters with a random linear loss. */
    static void trainSteps(LoraLinear l, SplittableRandom rng, int steps) {
        for (int s = 0; s < steps; s++) {
            Tensor x = randomInput(rng, ROWS, IN);
            l.forward(x);
            l.backward(GradCheck.randomTensor(rng, 1.0, ROWS, OUT));
            for (var p : l.parameters()) {
                if (p.grad() == null) continue;
                float[] w = p.data(), g = p.grad().data;
                for (int i = 0; i < w.length; i++) w[i] -= 0.05f * g[i];
                p.zeroGrad();
            }
        }
    }

    @Test
    void safeMergeRefusesNonFiniteWeightsAndLeavesWUntouched() {
        SplittableRandom rng = new SplittableRandom(6);
        LoraLinear l = layer(rng, 0.0, false);
        randomizeB(l, rng);
        l.loraB().data()[3] = Float.NaN;
        float[] w0 = l.base().weight().data().clone();
        Lowrank4jException e = assertThrows(Lowrank4jException.class, l::safeMerge);
        assertTrue(e.getMessage().contains(PATH), e.getMessage());
        assertFalse(l.merged());
        assertTrue(bitwiseEqual(w0, l.base().weight().data()));
    }

    @Test
    void disableGivesTheBaseOutputAndUnmergesFirst() {
        SplittableRandom rng = new SplittableRandom(7);
        LoraLinear l = layer(rng, 0.0, false);
        randomizeB(l, rng);
        float[] w0 = l.base().weight().data().clone();
        Tensor x = randomInput(rng, ROWS, IN);
        float[] adapted = l.forward(x).data.clone();
        l.merge();
        l.disable();
        assertFalse(l.merged());
        assertTrue(maxRelativeError(l.base().weight().data(), w0) < UNMERGE_TOLERANCE);
        float[] plain = new Linear(l.base().weight()).forward(x).data.clone();
        assertArrayEquals(plain, l.forward(x).data);
        l.enable();
        assertTrue(maxRelativeError(l.forward(x).data, adapted) < MERGE_TOLERANCE);
        assertFalse(bitwiseEqual(plain, adapted));
    }

    @Test
    void dropoutIsIdentityInEvalModeAndInvertedInTraining() {
        SplittableRandom rng = new SplittableRandom(8);
        LoraLinear noDrop = layer(rng, 0.0, false);
        randomizeB(noDrop, rng);
        LoraLinear drop = new LoraLinear(PATH, noDrop.base(), R, noDrop.scaling(), 0.5, 99);
        drop.loraA().set(noDrop.loraA().value());
        drop.loraB().set(noDrop.loraB().value());
        Tensor x = randomInput(rng, 64, IN);
        float[] reference = noDrop.forward(x).data.clone();
        drop.setTraining(false);
        assertArrayEquals(reference, drop.forward(x).data);
        drop.setTraining(true);
        float[] first = drop.forward(x).data.clone();
        assertNotEquals(0, maxRelativeError(first, reference));
        float[] second = drop.forward(x).data.clone();
        assertFalse(bitwiseEqual(first, second), "each training forward draws a new mask");
    }

    @Test
    void initsFollowPeft() {
        SplittableRandom rng = new SplittableRandom(9);
        Linear base = randomLinear(PATH, 400, 30, false, rng);
        LoraLinear l = new LoraLinear(PATH, base, 16, 1.0, 0, 0);
        LoraInitializer.initialize(l, LoraInit.KAIMING_UNIFORM, new Rng(1));
        double bound = 1 / Math.sqrt(400), maxAbs = 0, sumSq = 0;
        for (float a : l.loraA().data()) {
            maxAbs = Math.max(maxAbs, Math.abs(a));
            sumSq += a * a;
        }
        assertTrue(maxAbs <= bound, "kaiming bound");
        int n = l.loraA().numel();
        // U(−b, b) has variance b²/3; 6400 samples pin the estimate to a few percent.
        assertEquals(bound * bound / 3, sumSq / n, 0.1 * bound * bound / 3);
        for (float b : l.loraB().data()) assertEquals(0f, b);

        LoraInitializer.initialize(l, LoraInit.GAUSSIAN, new Rng(2));
        sumSq = 0;
        for (float a : l.loraA().data()) sumSq += a * a;
        assertEquals(1.0 / 16, Math.sqrt(sumSq / n), 0.05 / 16, "gaussian std = 1/r");
        for (float b : l.loraB().data()) assertEquals(0f, b);
    }
}
