package dev.lowrank4j.nn;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The loss is cheap to evaluate in double, so here the gradient is checked element by element
 * against central differences of a double-precision reference (no float noise to tolerate).
 */
class CrossEntropyLossTest {
    private static final int ROWS = 7, VOCAB = 37;
    private static final double LOSS_TOLERANCE = 1e-6;
    private static final double GRAD_TOLERANCE = 1e-6;
    private static final double DOUBLE_STEP = 1e-5;

    @Test
    void lossAndGradientMatchDoubleReference() {
        SplittableRandom rng = new SplittableRandom(1);
        Tensor logits = GradCheck.randomTensor(rng, 3, ROWS, VOCAB);
        logits.data[5] = 80f; // a dominant logit: the naive exp-sum would lose everything else
        int[] targets = {3, -1, 36, 0, 5, -1, 17};
        CrossEntropyLoss ce = new CrossEntropyLoss();
        float loss = ce.forward(logits, targets);
        float[] grad = ce.backward().data;
        double[] z = new double[logits.size()];
        for (int i = 0; i < z.length; i++) z[i] = logits.data[i];
        assertEquals(reference(z, targets), loss, LOSS_TOLERANCE * Math.abs(loss));
        assertEquals(5, ce.countedTargets());
        for (int i = 0; i < z.length; i++) {
            double saved = z[i];
            z[i] = saved + DOUBLE_STEP;
            double plus = reference(z, targets);
            z[i] = saved - DOUBLE_STEP;
            double minus = reference(z, targets);
            z[i] = saved;
            assertEquals((plus - minus) / (2 * DOUBLE_STEP), grad[i], GRAD_TOLERANCE, "dlogits[" + i + "]");
        }
    }

    @Test
    void gradientOverTheLogitsIsTheSeparateGradientToTheBit() {
        Tensor logits = GradCheck.randomTensor(new SplittableRandom(3), 4, ROWS, VOCAB);
        int[] targets = {3, -1, 36, 0, 5, -1, 17};
        CrossEntropyLoss ce = new CrossEntropyLoss();
        ce.forward(logits, targets);
        float[] separate = ce.backward().data.clone();
        ce.forward(logits, targets);
        Tensor over = ce.backwardOverLogits();
        assertSame(logits, over);
        assertArrayEquals(separate, over.data);
    }

    @Test
    void hugeLogitsStayFinite() {
        Tensor logits = new Tensor(new float[] {1e4f, -1e4f, 0f}, 1, 3);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        assertEquals(2e4f, ce.forward(logits, new int[] {1}), 1e-2f);
        assertEquals(-1f, ce.backward().data[1], 1e-6f);
    }

    @Test
    void allIgnoredGivesZeroLossAndGradient() {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        Tensor logits = GradCheck.randomTensor(new SplittableRandom(2), 1, 2, 3);
        assertEquals(0f, ce.forward(logits, new int[] {-1, -1}));
        for (float g : ce.backward().data) assertEquals(0f, g);
    }

    @Test
    void outOfRangeTargetIsAUserError() {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        Tensor logits = Tensor.zeros(2, 3);
        var ex = assertThrows(Lowrank4jException.class, () -> ce.forward(logits, new int[] {0, 3}));
        assertEquals("target id 3 at position 1 is out of range for vocabulary size 3 (use -1 to ignore a position)",
                ex.getMessage());
    }

    private static double reference(double[] z, int[] targets) {
        double sum = 0;
        int count = 0;
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] < 0) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < VOCAB; j++) max = Math.max(max, z[r * VOCAB + j]);
            double s = 0;
            for (int j = 0; j < VOCAB; j++) s += Math.exp(z[r * VOCAB + j] - max);
            sum += max + Math.log(s) - z[r * VOCAB + targets[r]];
            count++;
        }
        return sum / count;
    }
}
