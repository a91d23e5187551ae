package dev.lowrank4j.models.vision;

import dev.lowrank4j.data.images.EpochOrder;
import dev.lowrank4j.data.images.IdxDirectory;
import dev.lowrank4j.data.images.ImageBatch;
import dev.lowrank4j.data.images.ImageDataset;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both networks learn: a few hundred plain SGD steps (batch 32) on scikit-learn's 8×8 digits,
 * each pixel repeated to blow the images up, classify the 360 held-out digits far better than
 * chance (10%). This catches what gradient checks cannot: gradients of the wrong function, a
 * batch layout that mixes images, a sign error in the loss.
 *
 * <p>To stay within a few seconds LeNet5 sees 20×20 images (2×2 repetition and a 2-pixel border:
 * the same layers, with fc1 reading 50·2·2 = 200 features instead of 800; 28×28 costs 4× as much
 * per step); the dense network sees the 28×28 MNIST shape it is built for (3×3 and 2 pixels). lr
 * is the DLRT LeNet5 scripts' 0.05 for LeNet5; the five-layer dense network starts slowly from
 * PyTorch's init at that rate (0.75 after 300 steps), so it gets 0.1.
 */
class DigitsTrainingSanityTest {
    private static final int BATCH = 32;
    /** Chance is 0.10; measured here: LeNet5 0.80 after 200 steps, the dense network 0.84 after 250. */
    private static final double MIN_TEST_ACCURACY = 0.6;

    private static ImageSplit digits;

    @BeforeAll
    static void loadDigits() throws URISyntaxException {
        digits = IdxDirectory.load(Path.of(DigitsTrainingSanityTest.class.getResource("/digits-8x8").toURI()));
    }

    @Test
    void lenet5Learns() {
        double accuracy = trainAndTest(new LeNet5(1, 20, 20, 10, 1), 2, 2, 0.05f, 200);
        assertTrue(accuracy >= MIN_TEST_ACCURACY, "LeNet5 test accuracy " + accuracy);
    }

    @Test
    void denseNetworkLearns() {
        double accuracy = trainAndTest(Mlp.dlrt(1), 3, 2, 0.1f, 250);
        assertTrue(accuracy >= MIN_TEST_ACCURACY, "dense network test accuracy " + accuracy);
    }

    private static double trainAndTest(ImageClassifier model, int scale, int border, float lr, int steps) {
        ImageDataset train = enlarge(digits.train(), scale, border), test = enlarge(digits.test(), scale, border);
        Rng rng = new Rng(42);
        List<Parameter> params = model.parameters();
        ImageBatch batch = null;
        for (int step = 0; step < steps; ) {
            for (int[] indices : EpochOrder.batches(train.size(), BATCH, rng)) {
                if (step++ == steps) break;
                batch = train.batch(indices, batch);
                model.zeroGrad();
                model.lossAndBackward(batch.images(), batch.labels(), batch.size());
                for (Parameter p : params) {
                    float[] w = p.data(), g = p.grad().data;
                    for (int i = 0; i < w.length; i++) w[i] -= lr * g[i];
                }
            }
        }
        int[] all = new int[test.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        ImageBatch everything = test.batch(all, null);
        return Accuracy.correct(model.forward(everything.images(), everything.size()), everything.labels()) / (double) test.size();
    }

    /** Each 8×8 pixel repeated scale×scale times, inside a zero border. */
    private static ImageDataset enlarge(ImageDataset small, int scale, int border) {
        int side = 8 * scale + 2 * border;
        float[] out = new float[small.size() * side * side], in = small.images();
        for (int n = 0; n < small.size(); n++) {
            for (int y = 0; y < 8 * scale; y++) {
                for (int x = 0; x < 8 * scale; x++) {
                    out[(n * side + y + border) * side + x + border] = in[n * 64 + (y / scale) * 8 + x / scale];
                }
            }
        }
        return new ImageDataset(small.name() + " " + side + "x" + side, out, small.labels().clone(), 1, side, side,
                small.numClasses());
    }
}
