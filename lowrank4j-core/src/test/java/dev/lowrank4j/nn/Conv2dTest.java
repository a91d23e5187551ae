package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Conv2dTest {
    /**
     * float32 sums of up to 500 products (LeNet5's conv2) against double: the rounding error is a
     * small multiple of 2⁻²⁴·Σ|terms|, while a wrong index is off by a whole term.
     */
    private static final double RELATIVE_TO_ABS_SUM = 1e-6;

    /**
     * The textbook definition, one output element at a time, in double: the twin the im2col path
     * must match. Returns {y, Σ|terms| per element}.
     */
    static double[][] directConvolution(float[] x, int batch, int c, int h, int w, float[] weight, float[] bias,
                                        int out, int k, int stride, int padding) {
        int oh = (h + 2 * padding - k) / stride + 1, ow = (w + 2 * padding - k) / stride + 1;
        double[] y = new double[batch * out * oh * ow], magnitude = new double[y.length];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = bias == null ? 0 : bias[o], abs = Math.abs(s);
                        for (int ci = 0; ci < c; ci++) {
                            for (int di = 0; di < k; di++) {
                                for (int dj = 0; dj < k; dj++) {
                                    int iy = i * stride - padding + di, ix = j * stride - padding + dj;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    double term = (double) x[((b * c + ci) * h + iy) * w + ix]
                                            * weight[((o * c + ci) * k + di) * k + dj];
                                    s += term;
                                    abs += Math.abs(term);
                                }
                            }
                        }
                        y[((b * out + o) * oh + i) * ow + j] = s;
                        magnitude[((b * out + o) * oh + i) * ow + j] = abs;
                    }
                }
            }
        }
        return new double[][] {y, magnitude};
    }

    private static Conv2d randomConv(SplittableRandom rng, int c, int out, int k, int stride, int padding, boolean bias) {
        Conv2d conv = Conv2d.create("conv", c, out, k, stride, padding, bias);
        for (Parameter p : conv.parameters()) GradCheck.fillRandom(p, rng, 0, 1);
        return conv;
    }

    @ParameterizedTest(name = "B={0} C={1} {2}x{3} out={4} k={5} stride={6} pad={7} bias={8}")
    @CsvSource({
            "1, 1, 1, 1, 1, 1, 1, 0, true",     // everything 1
            "2, 1, 28, 28, 20, 5, 1, 0, true",  // LeNet5 conv1
            "3, 20, 12, 12, 50, 5, 1, 0, true", // LeNet5 conv2
            "2, 3, 9, 8, 4, 3, 2, 1, true",     // odd, non-square, strided, padded
            "1, 2, 7, 5, 3, 3, 3, 2, false",    // stride 3 leaves a ragged edge; wide padding; no bias
            "2, 3, 4, 6, 5, 1, 1, 0, true",     // 1x1 kernel
            "1, 1, 5, 5, 2, 5, 1, 0, false",    // kernel exactly the image: one output pixel
            "0, 2, 6, 6, 3, 3, 1, 1, true",     // empty batch
            "1, 2, 19, 20, 3, 17, 1, 1, true",  // kernel rows wider than a 16-lane vector: copied element by element
    })
    void forwardMatchesDirectConvolution(int batch, int c, int h, int w, int out, int k, int stride, int padding,
                                         boolean bias) {
        SplittableRandom rng = new SplittableRandom(batch * 31L + c * 7L + k);
        Conv2d conv = randomConv(rng, c, out, k, stride, padding, bias);
        Tensor x = GradCheck.randomTensor(rng, 1, batch, c, h, w);
        Tensor y = conv.forward(x);
        int oh = conv.outputSize(h), ow = conv.outputSize(w);
        assertArrayEquals(new int[] {batch, out, oh, ow}, y.shape());
        ConvKernel kernel = (ConvKernel) conv.projection();
        double[][] expected = directConvolution(x.data, batch, c, h, w, kernel.weight().data(),
                bias ? kernel.bias().data() : null, out, k, stride, padding);
        for (int i = 0; i < expected[0].length; i++) {
            assertEquals(expected[0][i], y.data[i], RELATIVE_TO_ABS_SUM * (1 + expected[1][i]), "element " + i);
        }
    }

    @ParameterizedTest(name = "C={0} {1}x{2} k={3} stride={4} pad={5}")
    @CsvSource({
            "2, 6, 5, 3, 1, 0",
            "3, 9, 8, 3, 2, 1",
            "1, 7, 7, 5, 1, 2",
            "2, 7, 5, 3, 3, 2",
    })
    void gradientsMatchFiniteDifferences(int c, int h, int w, int k, int stride, int padding) {
        SplittableRandom rng = new SplittableRandom(h * 13L + k);
        int batch = 2, out = 3;
        Conv2d conv = randomConv(rng, c, out, k, stride, padding, true);
        Tensor x = GradCheck.randomTensor(rng, 1, batch, c, h, w);
        int oh = conv.outputSize(h), ow = conv.outputSize(w);
        float[] probe = GradCheck.randomArray(rng, batch * out * oh * ow, 1);
        conv.forward(x);
        float[] dx = conv.backward(new Tensor(probe, batch, out, oh, ow)).data.clone();
        ConvKernel kernel = (ConvKernel) conv.projection();
        GradCheck.Loss loss = () -> GradCheck.probe(conv.forward(x), probe);
        GradCheck.assertMatches("dx", loss, x.data, dx, 3);
        GradCheck.assertMatches("dW", loss, kernel.weight().data(), kernel.weight().grad().data, 4);
        GradCheck.assertMatches("db", loss, kernel.bias().data(), kernel.bias().grad().data, 5);
    }

    @Test
    void gradientsAccumulateAndFrozenWeightsGetNone() {
        SplittableRandom rng = new SplittableRandom(9);
        Conv2d conv = randomConv(rng, 2, 3, 3, 1, 1, true);
        Tensor x = GradCheck.randomTensor(rng, 1, 2, 2, 5, 5);
        Tensor dy = GradCheck.randomTensor(rng, 1, 2, 3, 5, 5);
        ConvKernel kernel = (ConvKernel) conv.projection();
        conv.forward(x);
        conv.backward(dy);
        float[] once = kernel.weight().grad().data.clone();
        conv.forward(x);
        float[] dxTrainable = conv.backward(dy).data.clone();
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], kernel.weight().grad().data[i], 1e-5f);

        kernel.weight().setTrainable(false);
        conv.forward(x);
        float[] dxFrozen = conv.backward(dy).data;
        assertNull(kernel.weight().grad());
        assertArrayEquals(dxTrainable, dxFrozen, "input gradient must not depend on trainability");
    }

    @Test
    void parametersUsePyTorchNamesAndLayout() {
        Conv2d conv = Conv2d.create("features.conv1", 3, 8, 5, 1, 0, true);
        ConvKernel kernel = (ConvKernel) conv.projection();
        assertEquals("features.conv1.weight", kernel.weight().name());
        assertArrayEquals(new int[] {8, 3, 5, 5}, kernel.weight().value().shape());
        assertEquals("features.conv1.bias", kernel.bias().name());
        assertEquals(75, kernel.inFeatures());
        assertEquals(8, kernel.outFeatures());
        assertEquals(conv.parameters(), kernel.parameters());
        assertNull(((ConvKernel) Conv2d.create("c", 1, 2, 3, 1, 0, false).projection()).bias());
    }

    @Test
    void aReplacementProjectionIsUsedAndMustFitThePatches() {
        SplittableRandom rng = new SplittableRandom(11);
        Conv2d conv = randomConv(rng, 2, 3, 3, 1, 0, true);
        Linear replacement = Linear.create("conv.replaced", 18, 3, true); // same [out, in·k·k] as the kernel
        ConvKernel kernel = (ConvKernel) conv.projection();
        System.arraycopy(kernel.weight().data(), 0, replacement.weight().data(), 0, 54);
        System.arraycopy(kernel.bias().data(), 0, replacement.bias().data(), 0, 3);
        Tensor x = GradCheck.randomTensor(rng, 1, 2, 2, 6, 6);
        float[] dense = conv.forward(x).data.clone();
        conv.setProjection(replacement);
        assertSame(replacement, conv.projection());
        assertArrayEquals(dense, conv.forward(x).data, 1e-6f, "a Linear over the flattened kernel is the same convolution");
        assertEquals(replacement.parameters(), conv.parameters());
        assertThrows(IllegalArgumentException.class, () -> conv.setProjection(Linear.create("bad", 17, 3, false)));
        assertThrows(IllegalArgumentException.class, () -> conv.setProjection(Linear.create("bad", 18, 4, false)));
    }

    @Test
    void wrongShapesAreRejected() {
        Conv2d conv = Conv2d.create("conv", 2, 3, 5, 1, 0, true);
        assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 3, 8, 8)), "channels");
        assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 2, 4, 8)), "kernel larger than input");
        assertThrows(IllegalStateException.class, () -> conv.backward(Tensor.zeros(1, 3, 4, 4)), "backward before forward");
        conv.forward(Tensor.zeros(1, 2, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> conv.backward(Tensor.zeros(1, 3, 5, 4)));
    }

    @Test
    void backwardWithoutInputGradientAddsTheSameParameterGradients() {
        SplittableRandom rng = new SplittableRandom(12);
        Conv2d conv = randomConv(rng, 2, 4, 3, 1, 1, true);
        ConvKernel kernel = (ConvKernel) conv.projection();
        Tensor x = GradCheck.randomTensor(rng, 1, 3, 2, 6, 5);
        Tensor dy = GradCheck.randomTensor(rng, 1, 3, 4, 6, 5);
        conv.forward(x);
        conv.backward(dy);
        float[] dw = kernel.weight().grad().data.clone(), db = kernel.bias().grad().data.clone();
        kernel.weight().zeroGrad();
        kernel.bias().zeroGrad();
        conv.forward(x);
        conv.backwardParametersOnly(dy);
        assertArrayEquals(dw, kernel.weight().grad().data);
        assertArrayEquals(db, kernel.bias().grad().data);
    }
}
