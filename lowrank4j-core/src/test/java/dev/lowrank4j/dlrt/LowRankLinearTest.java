package dev.lowrank4j.dlrt;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The factorised forward and the three KLS gradients (ALGORITHMS.md §6(h) test 2 and the K/L gradients). */
class LowRankLinearTest {
    private static final int ROWS = 5, IN = 9, OUT = 7, RANK = 3;

    private static LowRankLinear layer(SplittableRandom rng) {
        Tensor u = new Tensor(Mat.orthonormal(GradCheck.randomArray(rng, OUT * RANK, 1), OUT, RANK), OUT, RANK);
        Tensor v = new Tensor(Mat.orthonormal(GradCheck.randomArray(rng, IN * RANK, 1), IN, RANK), IN, RANK);
        Tensor s = GradCheck.randomTensor(rng, 1, RANK, RANK);
        Parameter b = new Parameter("fc.bias", GradCheck.randomTensor(rng, 1, OUT));
        return new LowRankLinear("fc", u, s, v, b, false);
    }

    @Test
    void forwardEqualsTheDenseProductOfTheFactors() {
        SplittableRandom rng = new SplittableRandom(1);
        LowRankLinear l = layer(rng);
        Tensor x = GradCheck.randomTensor(rng, 1, ROWS, IN);
        float[] y = l.forward(x).data, w = l.denseWeight(), b = l.bias().data();
        for (int r = 0; r < ROWS; r++) {
            for (int o = 0; o < OUT; o++) {
                double e = b[o];
                for (int i = 0; i < IN; i++) e += x.data[r * IN + i] * w[o * IN + i];
                assertEquals(e, y[r * OUT + o], 1e-5);
            }
        }
    }

    @Test
    void coefficientGradientAndInputGradientMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(2);
        LowRankLinear l = layer(rng);
        l.setPhase(LowRankLinear.Phase.COEFFICIENTS);
        Tensor x = GradCheck.randomTensor(rng, 1, ROWS, IN);
        float[] probe = GradCheck.randomArray(rng, ROWS * OUT, 1);
        l.forward(x);
        float[] dx = l.backward(new Tensor(probe, ROWS, OUT)).data.clone();
        GradCheck.Loss loss = () -> GradCheck.probe(l.forward(x), probe);
        GradCheck.assertMatches("dL/dS", loss, l.s().data(), l.s().grad().data, 3);
        GradCheck.assertMatches("dx", loss, x.data, dx, 4);
        GradCheck.assertMatches("dL/db", loss, l.bias().data(), l.bias().grad().data, 5);
    }

    @Test
    void basisGradientsAreGTimesVAndGTransposedTimesU() {
        SplittableRandom rng = new SplittableRandom(3);
        LowRankLinear l = layer(rng);
        Tensor x = GradCheck.randomTensor(rng, 1, ROWS, IN);
        float[] dy = GradCheck.randomArray(rng, ROWS * OUT, 1);
        l.forward(x);
        l.backward(new Tensor(dy, ROWS, OUT));
        double[] g = new double[OUT * IN]; // G = dyᵀ·x, formed here only as the reference
        for (int r = 0; r < ROWS; r++) for (int o = 0; o < OUT; o++) for (int i = 0; i < IN; i++) g[o * IN + i] += dy[r * OUT + o] * x.data[r * IN + i];
        float[] u = l.u().data(), v = l.v().data();
        float[] gv = new float[OUT * RANK], gtu = new float[IN * RANK];
        for (int o = 0; o < OUT; o++) for (int i = 0; i < IN; i++) for (int k = 0; k < RANK; k++) {
            gv[o * RANK + k] += (float) (g[o * IN + i] * v[i * RANK + k]);
            gtu[i * RANK + k] += (float) (g[o * IN + i] * u[o * RANK + k]);
        }
        assertArrayEquals(gv, l.u().grad().data, 1e-5f);
        assertArrayEquals(gtu, l.v().grad().data, 1e-5f);
        for (float s : l.s().grad().data) assertEquals(0f, s, "the basis pass leaves dS alone");
    }

    @Test
    void backwardWithoutInputGradientAddsTheSameGradientsInBothPhases() {
        for (LowRankLinear.Phase phase : LowRankLinear.Phase.values()) {
            SplittableRandom rng = new SplittableRandom(21);
            LowRankLinear l = layer(rng);
            l.setPhase(phase);
            Tensor x = GradCheck.randomTensor(rng, 1, ROWS, IN);
            Tensor dy = GradCheck.randomTensor(rng, 1, ROWS, OUT);
            l.forward(x);
            l.backward(dy);
            java.util.List<float[]> full = l.parameters().stream().map(p -> p.grad().data.clone()).toList();
            l.parameters().forEach(Parameter::zeroGrad);
            l.forward(x);
            l.backwardParametersOnly(dy);
            for (int i = 0; i < full.size(); i++) assertArrayEquals(full.get(i), l.parameters().get(i).grad().data, phase + " " + i);
        }
    }
}
