package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReLUTest {
    @Test
    void forwardClampsNegativesAndKeepsTheShape() {
        ReLU relu = new ReLU();
        Tensor x = new Tensor(new float[] {-2, -0f, 0, 0.5f, 3, -1e-30f}, 1, 2, 3, 1);
        Tensor y = relu.forward(x);
        assertArrayEquals(new int[] {1, 2, 3, 1}, y.shape());
        assertArrayEquals(new float[] {0, 0, 0, 0.5f, 3, 0}, y.data);
        assertArrayEquals(new float[] {-2, -0f, 0, 0.5f, 3, -1e-30f}, x.data, "input untouched");
        float[] dx = relu.backward(new Tensor(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3, 1)).data;
        assertArrayEquals(new float[] {0, 0, 0, 4, 5, 0}, dx, "gradient 0 at and below 0");
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(4);
        ReLU relu = new ReLU();
        // |x| >= 0.25 keeps every element on its side of the kink under a 1%-of-RMS step.
        float[] v = GradCheck.randomArray(rng, 3 * 4 * 5, 1);
        for (int i = 0; i < v.length; i++) v[i] = Math.copySign(0.25f + Math.abs(v[i]), v[i]);
        Tensor x = new Tensor(v, 3, 4, 5);
        float[] probe = GradCheck.randomArray(rng, v.length, 1);
        relu.forward(x);
        float[] dx = relu.backward(new Tensor(probe, 3, 4, 5)).data.clone();
        GradCheck.assertMatches("dx", () -> GradCheck.probe(relu.forward(x), probe), x.data, dx, 2);
    }

    @Test
    void backwardChecksItsInput() {
        ReLU relu = new ReLU();
        assertThrows(IllegalStateException.class, () -> relu.backward(Tensor.zeros(2)));
        relu.forward(Tensor.zeros(2, 3));
        assertThrows(IllegalArgumentException.class, () -> relu.backward(Tensor.zeros(3, 2)));
    }
}
