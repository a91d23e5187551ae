package dev.lowrank4j.models.vision;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Linear;

import java.util.List;

/**
 * A fully connected ReLU network on flattened images: fc1 … fcN with biases and a ReLU after every
 * layer but the last. {@link #dlrt} is the dense network of the DLRT experiments
 * (CSMMLab/DLRT-Net src/networks/dense_dlrt_nets.py with run_scripts/*: 784 → 500 → 500 → 500 →
 * 500 → 10, ReLU on the four hidden layers, a linear output layer, biases everywhere; the
 * experiments apply softmax + cross-entropy to the output, which is the cross-entropy of these logits).
 *
 * <p>Module paths {@code fc1} … {@code fcN}, parameters {@code fcK.weight} [out, in] and
 * {@code fcK.bias}. Initialised as PyTorch's nn.Linear ({@link PyTorchInit}); the TensorFlow runs
 * drew from keras' random_normal instead, which is not reproduced.
 */
public final class Mlp extends SequentialClassifier {
    /** Hidden widths of the DLRT dense network. */
    public static final List<Integer> DLRT_HIDDEN = List.of(500, 500, 500, 500);

    private final int layers;

    public Mlp(int channels, int height, int width, List<Integer> hidden, int numClasses, long seed) {
        super(channels, height, width, numClasses);
        int in = channels * height * width;
        addFlatten();
        for (int i = 0; i < hidden.size(); i++) {
            int out = hidden.get(i);
            if (out < 1) throw new Lowrank4jException("hidden layer " + (i + 1) + " must have at least 1 unit, got " + out);
            addDense("fc" + (i + 1), Linear.create("fc" + (i + 1), in, out, true));
            addRelu();
            in = out;
        }
        layers = hidden.size() + 1;
        addDense("fc" + layers, Linear.create("fc" + layers, in, numClasses, true));
        initialize(seed);
    }

    /** The DLRT dense network: 1×28×28 inputs, four hidden layers of 500, 10 classes. */
    public static Mlp dlrt(long seed) {
        return new Mlp(1, 28, 28, DLRT_HIDDEN, 10, seed);
    }

    @Override
    String exampleModulePaths() {
        return "fc1 … fc" + layers;
    }
}
