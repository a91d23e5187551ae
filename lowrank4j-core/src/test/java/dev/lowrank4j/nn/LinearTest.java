package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LinearTest {
    private static final float FORWARD_TOLERANCE = 1e-5f;
    private static final int ROWS = 5, IN = 7, OUT = 3;

    @Test
    void forwardIsXTimesWTransposedPlusBias() {
        SplittableRandom rng = new SplittableRandom(1);
        Linear layer = Linear.create("l", IN, OUT, true);
        GradCheck.fillRandom(layer.weight(), rng, 0, 1);
        GradCheck.fillRandom(layer.bias(), rng, 0, 1);
        Tensor x = GradCheck.randomTensor(rng, 1, ROWS, IN);
        Tensor y = layer.forward(x);
        float[] w = layer.weight().data(), b = layer.bias().data();
        for (int r = 0; r < ROWS; r++) {
            for (int o = 0; o < OUT; o++) {
                double expected = b[o];
                for (int i = 0; i < IN; i++) expected += (double) x.data[r * IN + i] * w[o * IN + i];
                assertEquals(expected, y.data[r * OUT + o], FORWARD_TOLERANCE);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(2);
        Linear layer = Linear.create("l", IN, OUT, true);
        GradCheck.fillRandom(layer.weight(), rng, 0, 1);
        GradCheck.fillRandom(layer.bias(), rng, 0, 1);
        Tensor x = GradCheck.randomTensor(rng, 1, ROWS, IN);
        float[] probe = GradCheck.randomArray(rng, ROWS * OUT, 1);
        layer.forward(x);
        float[] dx = layer.backward(new Tensor(probe, ROWS, OUT)).data.clone();
        GradCheck.Loss loss = () -> GradCheck.probe(layer.forward(x), probe);
        GradCheck.assertMatches("dx", loss, x.data, dx, 3);
        GradCheck.assertMatches("dW", loss, layer.weight().data(), layer.weight().grad().data, 4);
        GradCheck.assertMatches("db", loss, layer.bias().data(), layer.bias().grad().data, 5);
    }

    @Test
    void gradientsAccumulateAndFrozenWeightsGetNone() {
        SplittableRandom rng = new SplittableRandom(3);
        Linear layer = Linear.create("l", IN, OUT, false);
        GradCheck.fillRandom(layer.weight(), rng, 0, 1);
        Tensor x = GradCheck.randomTensor(rng, 1, ROWS, IN);
        Tensor dy = GradCheck.randomTensor(rng, 1, ROWS, OUT);
        layer.forward(x);
        layer.backward(dy);
        float[] once = layer.weight().grad().data.clone();
        layer.forward(x);
        float[] dxTrainable = layer.backward(dy).data.clone();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], layer.weight().grad().data[i], 1e-5f);

        layer.weight().setTrainable(false);
        layer.forward(x);
        float[] dxFrozen = layer.backward(dy).data;
        assertNull(layer.weight().grad());
        assertArrayEquals(dxTrainable, dxFrozen, "input gradient must not depend on trainability");
    }

    @Test
    void backwardWithoutInputGradientAddsTheSameParameterGradients() {
        SplittableRandom rng = new SplittableRandom(8);
        Linear layer = Linear.create("l", IN, OUT, true);
        GradCheck.fillRandom(layer.weight(), rng, 0, 1);
        GradCheck.fillRandom(layer.bias(), rng, 0, 1);
        Tensor x = GradCheck.randomTensor(rng, 1, ROWS, IN);
        Tensor dy = GradCheck.randomTensor(rng, 1, ROWS, OUT);
        layer.forward(x);
        layer.backward(dy);
        float[] dw = layer.weight().grad().data.clone(), db = layer.bias().grad().data.clone();
        layer.weight().zeroGrad();
        layer.bias().zeroGrad();
        layer.forward(x);
        layer.backwardParametersOnly(dy);
        assertArrayEquals(dw, layer.weight().grad().data);
        assertArrayEquals(db, layer.bias().grad().data);
    }
}
