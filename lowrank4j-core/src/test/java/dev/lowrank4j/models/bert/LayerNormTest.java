package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerNormTest {
    /** float32 output vs a double reference on unit-scale rows. */
    static final double FORWARD_TOLERANCE = 2e-6;

    @Test
    void forwardMatchesTheDefinition() {
        SplittableRandom rng = new SplittableRandom(1);
        int rows = 4, dim = 23;
        LayerNorm norm = LayerNorm.create("ln", dim, 1e-12);
        GradCheck.fillRandom(norm.weight(), rng, 1, 0.5);
        GradCheck.fillRandom(norm.bias(), rng, 0, 0.5);
        Tensor x = GradCheck.randomTensor(rng, 3.0, rows, dim);
        for (int j = 0; j < dim; j++) x.data[j] += 100; // a large offset must not hurt: mean is in double
        Tensor y = norm.forward(x);
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < dim; j++) mean += x.data[r * dim + j];
            mean /= dim;
            for (int j = 0; j < dim; j++) var += Math.pow(x.data[r * dim + j] - mean, 2);
            var /= dim;
            for (int j = 0; j < dim; j++) {
                double expected = (x.data[r * dim + j] - mean) / Math.sqrt(var + 1e-12) * norm.weight().data()[j]
                        + norm.bias().data()[j];
                assertEquals(expected, y.data[r * dim + j], FORWARD_TOLERANCE * Math.max(1, Math.abs(expected)));
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(2);
        int rows = 5, dim = 11;
        LayerNorm norm = LayerNorm.create("ln", dim, 1e-12);
        GradCheck.fillRandom(norm.weight(), rng, 1, 0.5);
        GradCheck.fillRandom(norm.bias(), rng, 0, 0.5);
        Tensor x = GradCheck.randomTensor(rng, 2.0, rows, dim);
        float[] probe = GradCheck.randomArray(rng, rows * dim, 1.0);
        norm.forward(x);
        float[] dx = norm.backward(new Tensor(probe.clone(), rows, dim)).data.clone();
        GradCheck.Loss loss = () -> GradCheck.probe(norm.forward(x), probe);
        assertTrue(DirectionalCheck.worstError(loss, x.data, dx, 1) < DirectionalCheck.RELATIVE_TOLERANCE, "dx");
        assertTrue(DirectionalCheck.worstError(loss, norm.weight().data(), norm.weight().grad().data, 2)
                < DirectionalCheck.RELATIVE_TOLERANCE, "dw");
        assertTrue(DirectionalCheck.worstError(loss, norm.bias().data(), norm.bias().grad().data, 3)
                < DirectionalCheck.RELATIVE_TOLERANCE, "db");
    }
}
