package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RmsNormTest {
    private static final int ROWS = 6, DIM = 9;
    private static final double EPS = 1e-5;
    private static final double FORWARD_TOLERANCE = 1e-6;

    private RmsNorm randomNorm(SplittableRandom rng) {
        RmsNorm norm = new RmsNorm(new Parameter("norm.weight", Tensor.zeros(DIM)), EPS);
        GradCheck.fillRandom(norm.weight(), rng, 1, 0.3);
        return norm;
    }

    @Test
    void forwardMatchesDefinition() {
        SplittableRandom rng = new SplittableRandom(1);
        RmsNorm norm = randomNorm(rng);
        Tensor x = GradCheck.randomTensor(rng, 2, ROWS, DIM);
        Tensor y = norm.forward(x);
        for (int r = 0; r < ROWS; r++) {
            double ms = 0;
            for (int j = 0; j < DIM; j++) ms += (double) x.data[r * DIM + j] * x.data[r * DIM + j];
            double inv = 1 / Math.sqrt(ms / DIM + EPS);
            for (int j = 0; j < DIM; j++) {
                double expected = norm.weight().data()[j] * x.data[r * DIM + j] * inv;
                assertEquals(expected, y.data[r * DIM + j], FORWARD_TOLERANCE * Math.max(1, Math.abs(expected)));
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(2);
        RmsNorm norm = randomNorm(rng);
        Tensor x = GradCheck.randomTensor(rng, 1, ROWS, DIM);
        float[] probe = GradCheck.randomArray(rng, ROWS * DIM, 1);
        norm.forward(x);
        float[] dx = norm.backward(new Tensor(probe, ROWS, DIM)).data.clone();
        GradCheck.Loss loss = () -> GradCheck.probe(norm.forward(x), probe);
        GradCheck.assertMatches("dx", loss, x.data, dx, 3);
        GradCheck.assertMatches("dw", loss, norm.weight().data(), norm.weight().grad().data, 4);
    }

    @Test
    void backwardIntoAddsTheInputGradient() {
        SplittableRandom rng = new SplittableRandom(3);
        RmsNorm norm = randomNorm(rng);
        Tensor x = GradCheck.randomTensor(rng, 1, ROWS, DIM);
        Tensor dy = GradCheck.randomTensor(rng, 1, ROWS, DIM);
        Tensor acc = GradCheck.randomTensor(rng, 1, ROWS, DIM);
        float[] before = acc.data.clone();
        norm.forward(x);
        float[] dx = norm.backward(dy).data.clone();
        norm.backwardInto(dy, acc);
        for (int i = 0; i < dx.length; i++) assertEquals(before[i] + dx[i], acc.data[i], 1e-6f);
    }
}
