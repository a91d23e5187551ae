package dev.lowrank4j.models.vision;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.ConvKernel;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisionModelsTest {
    /** Sample variance of ≥ 25,000 uniform draws is within a few 1/√n of bound²/3. */
    private static final double VARIANCE_TOLERANCE = 0.05;

    @Test
    void lenet5HasThePapersShapesAndNames() {
        LeNet5 model = LeNet5.mnist(0);
        assertShapes(model.parameters(), List.of(
                "conv1.weight [20, 1, 5, 5]", "conv1.bias [20]", "conv2.weight [50, 20, 5, 5]", "conv2.bias [50]",
                "fc1.weight [500, 800]", "fc1.bias [500]", "fc2.weight [10, 500]", "fc2.bias [10]"));
        assertEquals(800, model.flatFeatures());
        Map<String, LinearLayer> linears = model.linears();
        assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), List.copyOf(linears.keySet()));
        assertFeatures(linears.get("conv1"), 25, 20);
        assertFeatures(linears.get("conv2"), 500, 50);
        assertFeatures(linears.get("fc1"), 800, 500);
        assertFeatures(linears.get("fc2"), 500, 10);
        // ALGORITHMS.md §6(f): the full count of the low-rank-able layers is 430,500.
        assertEquals(430_500, linears.values().stream().mapToLong(l -> (long) l.inFeatures() * l.outFeatures()).sum());
        assertEquals(431_080, model.parameters().stream().mapToLong(Parameter::numel).sum());
        Tensor logits = model.forward(new float[3 * 784], 3);
        assertArrayEquals(new int[] {3, 10}, logits.shape());
    }

    @Test
    void lenet5AdaptsItsFirstDenseLayerToTheImageSize() {
        LeNet5 small = new LeNet5(3, 16, 20, 4, 0); // 16 → 12 → 6 → 2 → 1 and 20 → 16 → 8 → 4 → 2
        assertEquals(100, small.flatFeatures());
        assertArrayEquals(new int[] {20, 3, 5, 5}, small.parameters().get(0).value().shape());
        assertArrayEquals(new int[] {2, 4}, small.forward(new float[2 * 3 * 16 * 20], 2).shape());
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> new LeNet5(1, 8, 8, 10, 0));
        assertEquals("LeNet5 needs images of at least 16x16 pixels, got 8x8", e.getMessage());
    }

    @Test
    void mlpIsTheDlrtDenseNetwork() {
        Mlp model = Mlp.dlrt(0);
        assertShapes(model.parameters(), List.of(
                "fc1.weight [500, 784]", "fc1.bias [500]", "fc2.weight [500, 500]", "fc2.bias [500]",
                "fc3.weight [500, 500]", "fc3.bias [500]", "fc4.weight [500, 500]", "fc4.bias [500]",
                "fc5.weight [10, 500]", "fc5.bias [10]"));
        assertEquals(List.of("fc1", "fc2", "fc3", "fc4", "fc5"), List.copyOf(model.linears().keySet()));
        assertArrayEquals(new int[] {2, 10}, model.forward(new float[2 * 784], 2).shape());
        Mlp noHidden = new Mlp(1, 8, 8, List.of(), 10, 0); // softmax regression
        assertShapes(noHidden.parameters(), List.of("fc1.weight [10, 64]", "fc1.bias [10]"));
    }

    @Test
    void initialisationIsPyTorchsDefaultAndSeeded() {
        LeNet5 model = LeNet5.mnist(7);
        for (Map.Entry<String, LinearLayer> e : model.linears().entrySet()) {
            double bound = 1 / Math.sqrt(e.getValue().inFeatures());
            for (Parameter p : e.getValue().parameters()) {
                double sumSq = 0;
                for (float v : p.data()) {
                    assertTrue(Math.abs(v) <= bound, p.name() + " value " + v + " outside ±" + bound);
                    sumSq += (double) v * v;
                }
                if (p.numel() >= 25_000) {
                    double variance = sumSq / p.numel(), expected = bound * bound / 3;
                    assertEquals(expected, variance, VARIANCE_TOLERANCE * expected, p.name() + " variance");
                }
            }
        }
        assertArrayEquals(model.parameters().get(4).data(), LeNet5.mnist(7).parameters().get(4).data(), "same seed");
        assertNotEquals(model.parameters().get(4).data()[0], LeNet5.mnist(8).parameters().get(4).data()[0], "other seed");
        assertNotEquals(model.parameters().get(0).data()[0], model.parameters().get(1).data()[0], "own stream per parameter");
    }

    @Test
    void aReplacedLayerIsUsedAndItsParametersTakeItsPlace() {
        LeNet5 model = LeNet5.mnist(3);
        float[] images = randomImages(new SplittableRandom(3), 2);
        float[] before = model.forward(images, 2).data.clone();

        ConvKernel conv1 = (ConvKernel) model.linears().get("conv1");
        Linear conv1AsLinear = Linear.create("conv1.replaced", 25, 20, true); // the kernel seen as [out, in·k·k]
        conv1AsLinear.weight().set(conv1.weight().value().reshape(20, 25));
        conv1AsLinear.bias().set(conv1.bias().value());
        model.replaceLinear("conv1", conv1AsLinear);
        Linear fc1 = (Linear) model.linears().get("fc1");
        Linear fc1Copy = Linear.create("fc1.replaced", 800, 500, true);
        fc1Copy.weight().set(fc1.weight().value());
        fc1Copy.bias().set(fc1.bias().value());
        model.replaceLinear("fc1", fc1Copy);

        assertSame(conv1AsLinear, model.linears().get("conv1"));
        assertArrayEquals(before, model.forward(images, 2).data, 1e-5f, "same weights, same logits");
        assertEquals(List.of("conv1.replaced.weight", "conv1.replaced.bias", "conv2.weight", "conv2.bias",
                        "fc1.replaced.weight", "fc1.replaced.bias", "fc2.weight", "fc2.bias"),
                model.parameters().stream().map(Parameter::name).toList());
        model.zeroGrad();
        model.lossAndBackward(images, new int[] {1, 2}, 2);
        assertTrue(norm(fc1Copy.weight().grad().data) > 0, "the replacement receives the gradient");
        assertEquals(0, norm(fc1.weight().grad().data), "the replaced layer no longer does");

        Lowrank4jException unknown = assertThrows(Lowrank4jException.class,
                () -> model.replaceLinear("fc3", Linear.create("x", 500, 10, true)));
        assertEquals("no linear layer at 'fc3'; expected e.g. conv1, conv2, fc1 or fc2", unknown.getMessage());
        assertThrows(Lowrank4jException.class, () -> model.replaceLinear("conv2", Linear.create("x", 499, 50, true)));
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Mlp model = new Mlp(1, 4, 4, List.of(8), 3, 5);
        float[] images = new float[2 * 16];
        java.util.Arrays.fill(images, 0.5f);
        int[] labels = {0, 2};
        model.zeroGrad();
        model.lossAndBackward(images, labels, 2);
        float[] once = model.parameters().get(0).grad().data.clone();
        model.lossAndBackward(images, labels, 2);
        float[] twice = model.parameters().get(0).grad().data;
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-6f);
        model.zeroGrad();
        assertEquals(0, norm(model.parameters().get(0).grad().data));
        assertTrue(model.activationBytes() > 0);
    }

    @Test
    void badInputsAreOneLineErrors() {
        LeNet5 model = LeNet5.mnist(0);
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> model.forward(new float[784], 2));
        assertEquals("expected batch·channels·height·width = 2·1·28·28 pixel values, got 784", e.getMessage());
        assertThrows(Lowrank4jException.class, () -> model.loss(new float[784], new int[] {10}, 1), "label out of range");
        assertThrows(IllegalStateException.class, () -> LeNet5.mnist(0).backward(Tensor.zeros(1, 10)));
        assertThrows(Lowrank4jException.class, () -> new Mlp(1, 28, 28, List.of(500, 0), 10, 0));
        assertThrows(Lowrank4jException.class, () -> new Mlp(1, 28, 28, List.of(500), 1, 0));
    }

    @Test
    void accuracyCountsFirstMaximumHitsAndNeverNaN() {
        Tensor logits = new Tensor(new float[] {
                0.1f, 2f, 1f,   // predicts 1
                3f, 3f, 0f,     // tie: predicts 0
                Float.NaN, 0f, 9f,
                0f, 0f, 0f,     // all equal: predicts 0
        }, 4, 3);
        assertEquals(3, Accuracy.correct(logits, new int[] {1, 0, 2, 0}), "rows 0, 1, 3 hit; the NaN row never does");
        assertEquals(0, Accuracy.correct(logits, new int[] {2, 1, 2, 1}));
        assertThrows(IllegalArgumentException.class, () -> Accuracy.correct(logits, new int[3]));
    }

    private static void assertShapes(List<Parameter> params, List<String> expected) {
        assertEquals(expected, params.stream().map(p -> p.name() + " " + java.util.Arrays.toString(p.value().shape())).toList());
    }

    private static void assertFeatures(LinearLayer layer, int in, int out) {
        assertEquals(in, layer.inFeatures());
        assertEquals(out, layer.outFeatures());
    }

    static float[] randomImages(SplittableRandom rng, int n) {
        float[] images = new float[n * 784];
        for (int i = 0; i < images.length; i++) images[i] = (float) rng.nextDouble();
        return images;
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float v : a) s += (double) v * v;
        return Math.sqrt(s);
    }
}
