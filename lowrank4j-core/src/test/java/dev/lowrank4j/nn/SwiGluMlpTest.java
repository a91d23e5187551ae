package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SwiGluMlpTest {
    private static final int HIDDEN = 7, INTERMEDIATE = 19;
    private static final double FORWARD_TOLERANCE = 1e-5;

    private record Setup(SwiGluMlp mlp, Linear gate, Linear up, Linear down) {}

    private static Setup setup(SplittableRandom rng) {
        Linear gate = Linear.create("m.gate_proj", HIDDEN, INTERMEDIATE, false);
        Linear up = Linear.create("m.up_proj", HIDDEN, INTERMEDIATE, false);
        Linear down = Linear.create("m.down_proj", INTERMEDIATE, HIDDEN, false);
        for (Linear l : new Linear[] {gate, up, down}) GradCheck.fillRandom(l.weight(), rng, 0, 0.6);
        return new Setup(new SwiGluMlp("m", HIDDEN, INTERMEDIATE, gate, up, down), gate, up, down);
    }

    @Test
    void forwardMatchesDefinition() {
        SplittableRandom rng = new SplittableRandom(1);
        Setup s = setup(rng);
        int rows = 5;
        Tensor x = GradCheck.randomTensor(rng, 1.5, rows, HIDDEN);
        Tensor y = s.mlp.forward(x);
        float[] wg = s.gate.weight().data(), wu = s.up.weight().data(), wd = s.down.weight().data();
        for (int r = 0; r < rows; r++) {
            double[] h = new double[INTERMEDIATE];
            for (int f = 0; f < INTERMEDIATE; f++) {
                double a = 0, u = 0;
                for (int i = 0; i < HIDDEN; i++) {
                    a += (double) x.data[r * HIDDEN + i] * wg[f * HIDDEN + i];
                    u += (double) x.data[r * HIDDEN + i] * wu[f * HIDDEN + i];
                }
                h[f] = a / (1 + Math.exp(-a)) * u;
            }
            for (int o = 0; o < HIDDEN; o++) {
                double expected = 0;
                for (int f = 0; f < INTERMEDIATE; f++) expected += h[f] * wd[o * INTERMEDIATE + f];
                assertEquals(expected, y.data[r * HIDDEN + o], FORWARD_TOLERANCE * Math.max(1, Math.abs(expected)));
            }
        }
    }

    /** 3601 rows × 19 features is large enough for the vectorised, multi-threaded elementwise path. */
    @Test
    void gradientsMatchFiniteDifferences() {
        for (int rows : new int[] {3, 3601}) {
            SplittableRandom rng = new SplittableRandom(2 + rows);
            Setup s = setup(rng);
            Tensor x = GradCheck.randomTensor(rng, 1.5, rows, HIDDEN);
            float[] probe = GradCheck.randomArray(rng, rows * HIDDEN, 1);
            s.mlp.forward(x);
            float[] dx = s.mlp.backward(new Tensor(probe, rows, HIDDEN)).data.clone();
            GradCheck.Loss loss = () -> GradCheck.probe(s.mlp.forward(x), probe);
            GradCheck.assertMatches("dx rows=" + rows, loss, x.data, dx, 3);
            for (Linear l : new Linear[] {s.gate, s.up, s.down}) {
                GradCheck.assertMatches(l.weight().name() + " rows=" + rows, loss, l.weight().data(), l.weight().grad().data, 4);
            }
        }
    }
}
