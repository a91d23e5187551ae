package dev.lowrank4j.models.vision;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Conv2d;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.MaxPool2d;

/**
 * LeNet5 as the DLRT experiments build it (ScSteffen/DLRT Lenet_experiment/Lenet5.py and
 * COMPiLELab/DLRT-Net models_folder/Lenet5.py, identical):
 * <pre>
 *   conv1  C→20, 5×5, stride 1, no padding, bias   → ReLU → max-pool 2×2 stride 2
 *   conv2  20→50, 5×5, stride 1, no padding, bias  → ReLU → max-pool 2×2 stride 2
 *   flatten (NCHW order)
 *   fc1    800→500, bias                           → ReLU
 *   fc2    500→classes, bias                       (logits)
 * </pre>
 * On 1×28×28 MNIST images: 28 → 24 → 12 → 8 → 4, so fc1 sees 50·4·4 = 800 features and the
 * model has 430,500 weights (500 + 25,000 + 400,000 + 5,000, the "full" count of ALGORITHMS.md
 * §6(f)) and 580 biases. Other image sizes change only fc1's input width (at least 16×16).
 *
 * <p>Module paths: {@code conv1}, {@code conv2} (their patch projections [out, in·5·5]),
 * {@code fc1}, {@code fc2}; parameters {@code conv1.weight} [20, C, 5, 5], {@code conv1.bias}, …,
 * {@code fc2.bias}. Initialised as PyTorch's defaults ({@link PyTorchInit}).
 */
public final class LeNet5 extends SequentialClassifier {
    public static final int CONV1_CHANNELS = 20;
    public static final int CONV2_CHANNELS = 50;
    public static final int KERNEL = 5;
    public static final int POOL = 2;
    public static final int HIDDEN = 500;

    private final int flatFeatures;

    public LeNet5(int channels, int height, int width, int numClasses, long seed) {
        super(channels, height, width, numClasses);
        Conv2d conv1 = Conv2d.create("conv1", channels, CONV1_CHANNELS, KERNEL, 1, 0, true);
        Conv2d conv2 = Conv2d.create("conv2", CONV1_CHANNELS, CONV2_CHANNELS, KERNEL, 1, 0, true);
        MaxPool2d pool1 = new MaxPool2d(POOL, POOL), pool2 = new MaxPool2d(POOL, POOL);
        int h = pool2.outputSize(conv2.outputSize(pool1.outputSize(conv1.outputSize(height))));
        int w = pool2.outputSize(conv2.outputSize(pool1.outputSize(conv1.outputSize(width))));
        if (h < 1 || w < 1) {
            throw new Lowrank4jException("LeNet5 needs images of at least 16x16 pixels, got " + height + "x" + width);
        }
        flatFeatures = CONV2_CHANNELS * h * w;
        addConv(conv1);
        addRelu();
        addMaxPool(pool1);
        addConv(conv2);
        addRelu();
        addMaxPool(pool2);
        addFlatten();
        addDense("fc1", Linear.create("fc1", flatFeatures, HIDDEN, true));
        addRelu();
        addDense("fc2", Linear.create("fc2", HIDDEN, numClasses, true));
        initialize(seed);
    }

    /** The paper's network: 1×28×28 inputs, 10 classes. */
    public static LeNet5 mnist(long seed) {
        return new LeNet5(1, 28, 28, 10, seed);
    }

    /** fc1's input width: 50·h·w after the second pool (800 on 28×28 images). */
    public int flatFeatures() {
        return flatFeatures;
    }

    @Override
    String exampleModulePaths() {
        return "conv1, conv2, fc1 or fc2";
    }
}
