package dev.lowrank4j.nn;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gradient checker must reject gradients that are only slightly wrong, or it proves nothing. */
class GradCheckSelfTest {
    private final SplittableRandom rng = new SplittableRandom(7);
    private final Linear linear = Linear.create("probe", 5, 7, false);
    private final float[] x = GradCheck.randomArray(rng, 3 * 5, 1);
    private final float[] probe = GradCheck.randomArray(rng, 3 * 7, 1);
    private float[] gradient;

    GradCheckSelfTest() {
        GradCheck.fillRandom(linear.weight(), rng, 0, 1);
        linear.forward(new dev.lowrank4j.tensor.Tensor(x, 3, 5));
        linear.backward(new dev.lowrank4j.tensor.Tensor(probe, 3, 7));
        gradient = linear.weight().grad().data.clone();
    }

    private double loss() {
        return GradCheck.probe(linear.forward(new dev.lowrank4j.tensor.Tensor(x, 3, 5)), probe);
    }

    @Test
    void acceptsTheTrueGradient() {
        double err = GradCheck.worstError(this::loss, linear.weight().data(), gradient, 1);
        assertTrue(err < GradCheck.RELATIVE_TOLERANCE / 10, "error " + err);
    }

    @Test
    void rejectsAOnePercentScaleError() {
        float[] wrong = gradient.clone();
        for (int i = 0; i < wrong.length; i++) wrong[i] *= 1.01f;
        assertThrows(AssertionError.class,
                () -> GradCheck.assertMatches("scaled", this::loss, linear.weight().data(), wrong, 1));
    }

    @Test
    void rejectsOneWrongElement() {
        float[] wrong = gradient.clone();
        wrong[17] = -wrong[17];
        assertThrows(AssertionError.class,
                () -> GradCheck.assertMatches("one element", this::loss, linear.weight().data(), wrong, 1));
    }

    @Test
    void rejectsATransposedGradient() {
        float[] wrong = new float[gradient.length]; // read [out, in] as [in, out]
        for (int o = 0; o < 7; o++) for (int i = 0; i < 5; i++) wrong[i * 7 + o] = gradient[o * 5 + i];
        assertThrows(AssertionError.class,
                () -> GradCheck.assertMatches("transposed", this::loss, linear.weight().data(), wrong, 1));
    }
}
