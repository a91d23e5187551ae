package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaxPool2dTest {
    /**
     * Small random values (|x| ≲ 1.2) plus one chosen element per window of the pooling grid set to
     * margin·1, margin·2, margin·3, …: every window's maximum then stands at least margin − 1.2 above
     * any other element it holds, even where windows overlap (stride < kernel) and two chosen
     * elements share a window, so a finite-difference step (1% of the RMS) never changes a winner.
     */
    static Tensor separatedInput(SplittableRandom rng, int b, int c, int h, int w, int k, int stride, double margin) {
        Tensor x = GradCheck.randomTensor(rng, 0.3, b, c, h, w);
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1, chosen = 0;
        for (int plane = 0; plane < b * c; plane++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int winner = plane * h * w + (i * stride + rng.nextInt(k)) * w + j * stride + rng.nextInt(k);
                    x.data[winner] = (float) (margin * ++chosen);
                }
            }
        }
        return x;
    }

    @ParameterizedTest(name = "{0}x{1} k={2} stride={3}")
    @CsvSource({"24, 24, 2, 2", "8, 8, 2, 2", "7, 9, 2, 2", "7, 7, 3, 2", "5, 6, 3, 3", "2, 2, 2, 2", "4, 4, 1, 1"})
    void forwardIsTheWindowMaximum(int h, int w, int k, int stride) {
        SplittableRandom rng = new SplittableRandom(h * 10L + w);
        int b = 2, c = 3;
        MaxPool2d pool = new MaxPool2d(k, stride);
        Tensor x = GradCheck.randomTensor(rng, 1, b, c, h, w);
        Tensor y = pool.forward(x);
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        assertArrayEquals(new int[] {b, c, oh, ow}, y.shape());
        for (int plane = 0; plane < b * c; plane++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int di = 0; di < k; di++) {
                        for (int dj = 0; dj < k; dj++) {
                            max = Math.max(max, x.data[plane * h * w + (i * stride + di) * w + j * stride + dj]);
                        }
                    }
                    assertEquals(max, y.data[(plane * oh + i) * ow + j]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1} k={2} stride={3}")
    @CsvSource({"8, 8, 2, 2", "7, 9, 2, 2", "7, 7, 3, 2", "5, 6, 3, 3"})
    void gradientMatchesFiniteDifferences(int h, int w, int k, int stride) {
        SplittableRandom rng = new SplittableRandom(h * 7L + k);
        MaxPool2d pool = new MaxPool2d(k, stride);
        Tensor x = separatedInput(rng, 2, 2, h, w, k, stride, 2.0);
        Tensor y = pool.forward(x);
        float[] probe = GradCheck.randomArray(rng, y.size(), 1);
        float[] dx = pool.backward(new Tensor(probe, y.shape())).data.clone();
        GradCheck.assertMatches("dx", () -> GradCheck.probe(pool.forward(x), probe), x.data, dx, 1);
    }

    @Test
    void tiesGoToTheFirstMaximumAndNaNPropagates() {
        MaxPool2d pool = new MaxPool2d(2, 2);
        Tensor x = new Tensor(new float[] {
                1, 5, 0, Float.NaN,
                5, 2, 3, 3,
        }, 1, 1, 2, 4);
        Tensor y = pool.forward(x);
        assertEquals(5f, y.data[0]);
        assertTrue(Float.isNaN(y.data[1]));
        float[] dx = pool.backward(new Tensor(new float[] {10, 20}, 1, 1, 1, 2)).data;
        assertArrayEquals(new float[] {0, 10, 0, 20, 0, 0, 0, 0}, dx, "row-major first 5 wins; the NaN takes its window");
    }

    @Test
    void overlappingWindowsAddTheirGradients() {
        MaxPool2d pool = new MaxPool2d(3, 1); // the centre 9 is the maximum of all four windows
        float[] v = new float[16];
        v[5] = 9;
        Tensor x = new Tensor(v, 1, 1, 4, 4);
        pool.forward(x);
        float[] dx = pool.backward(new Tensor(new float[] {1, 2, 3, 4}, 1, 1, 2, 2)).data;
        assertEquals(10f, dx[5]);
        assertEquals(10f, sum(dx));
    }

    @Test
    void wrongShapesAreRejected() {
        MaxPool2d pool = new MaxPool2d(2, 2);
        assertThrows(IllegalArgumentException.class, () -> pool.forward(Tensor.zeros(1, 1, 1, 4)));
        assertThrows(IllegalArgumentException.class, () -> pool.forward(Tensor.zeros(4, 4)));
        assertThrows(IllegalStateException.class, () -> pool.backward(Tensor.zeros(1, 1, 2, 2)));
        pool.forward(Tensor.zeros(1, 1, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> pool.backward(Tensor.zeros(1, 1, 2, 3)));
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) s += v;
        return s;
    }

    /**
     * Planes wide enough for whole vectors of windows and a scalar tail, filled from {0, 1, 2, NaN}
     * so ties and NaNs are everywhere: values and the element each gradient goes to must follow
     * PyTorch's rule (first of equal maxima, the last NaN of a window) lane by lane.
     */
    @ParameterizedTest(name = "{0}x{1} k={2} stride={3}")
    @CsvSource({"16, 18, 2, 2", "24, 24, 2, 2", "11, 40, 3, 2", "9, 30, 3, 1"})
    void everyLaneFollowsTheTieAndNaNRule(int h, int w, int k, int stride) {
        SplittableRandom rng = new SplittableRandom(h * 31L + w);
        float[] pick = {0, 1, 2, Float.NaN};
        Tensor x = new Tensor(new float[2 * h * w], 2, 1, h, w);
        for (int i = 0; i < x.data.length; i++) x.data[i] = pick[rng.nextInt(pick.length)];
        MaxPool2d pool = new MaxPool2d(k, stride);
        Tensor y = pool.forward(x);
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        float[] ones = new float[y.size()];
        java.util.Arrays.fill(ones, 1f);
        float[] dx = pool.backward(new Tensor(ones, y.shape())).data;
        float[] expectedY = new float[y.size()], expectedDx = new float[x.data.length];
        for (int plane = 0; plane < 2; plane++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int first = plane * h * w + i * stride * w + j * stride, best = first;
                    for (int di = 0; di < k; di++) {
                        for (int dj = 0; dj < k; dj++) {
                            int at = first + di * w + dj;
                            if (x.data[at] > x.data[best] || Float.isNaN(x.data[at])) best = at;
                        }
                    }
                    expectedY[(plane * oh + i) * ow + j] = x.data[best];
                    expectedDx[best] += 1;
                }
            }
        }
        assertArrayEquals(expectedY, y.data, "values (NaN equal to NaN)");
        assertArrayEquals(expectedDx, dx, "where each window's gradient went");
    }
}
