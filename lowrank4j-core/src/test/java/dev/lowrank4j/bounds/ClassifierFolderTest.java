package dev.lowrank4j.bounds;

import dev.lowrank4j.data.images.ImageDataset;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.models.vision.LeNet5;
import dev.lowrank4j.models.vision.Mlp;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierFolderTest {
    @Test
    void mlpRoundTripsAndItsLayersAreItsWeights(@TempDir Path tmp) {
        Mlp mlp = new Mlp(1, 4, 4, List.of(8, 8), 3, 5);
        ClassifierFolder.save(tmp, new ClassifierFolder.Architecture("mlp", 1, 4, 4, 3, List.of(8, 8)), mlp);
        assertTrue(ClassifierFolder.isClassifierFolder(tmp));
        ImageClassifier back = ClassifierFolder.load(tmp);
        for (int i = 0; i < mlp.parameters().size(); i++) {
            assertArrayEquals(mlp.parameters().get(i).data(), back.parameters().get(i).data());
        }
        MatrixLayers layers = CheckpointLayers.load(tmp);
        assertTrue(layers.feedForwardChain());
        assertEquals(List.of("fc1.weight", "fc2.weight", "fc3.weight"), layers.matrices().stream().map(LayerMatrix::name).toList());
        assertEquals(8, layers.matrices().getFirst().rows());
        assertEquals(16, layers.matrices().getFirst().cols());
    }

    @Test
    void convolutionsBecomePatchMatricesAndPathNormIsSkipped(@TempDir Path tmp) {
        LeNet5 net = new LeNet5(1, 16, 16, 10, 2);
        ClassifierFolder.save(tmp, new ClassifierFolder.Architecture("lenet5", 1, 16, 16, 10, List.of()), net);
        MatrixLayers layers = CheckpointLayers.load(tmp);
        LayerMatrix conv2 = layers.matrices().get(1);
        assertEquals("conv2.weight", conv2.name());
        assertEquals(50, conv2.rows());
        assertEquals(20 * 25, conv2.cols());
        assertEquals(CheckpointLayers.CONV_TREATMENT, conv2.treatment());
        BoundReport r = Bounds.compute(layers, null, KoopmanOptions.defaults());
        assertTrue(Double.isNaN(r.total(Bounds.PATH).logComplexity()));
        // conv1 is 20×25: not injective as a patch matrix
        assertEquals(KoopmanFactor.NOT_INJECTIVE, r.koopman().getFirst().layerCase());
    }

    @Test
    void marginsAndInputNormsOfAHandBuiltClassifier() {
        // one 2→2 identity layer: logits = pixels; margins = x_y − x_other
        Mlp id = new Mlp(1, 1, 2, List.of(), 2, 0);
        Parameter w = id.parameters().get(0), b = id.parameters().get(1);
        System.arraycopy(new float[] {1, 0, 0, 1}, 0, w.data(), 0, 4);
        b.value().zero();
        float[] pixels = {0.9f, 0.1f, 0.2f, 0.6f, 0.5f, 0.5f, 0.0f, 1.0f};
        int[] labels = {0, 1, 1, 0};
        ImageDataset data = new ImageDataset("toy", pixels, labels, 1, 1, 2, 2);
        DataStats s = MarginStats.of(id, data, "train", 0.0);
        // margins 0.8, 0.4, 0.0, −1.0 → γ at quantile 0 is −1.0; accuracy: 2 right (the tie is not)
        assertEquals(-1.0, s.margin(), 1e-6);
        assertEquals(0.5, s.accuracy(), 0);
        assertEquals(1.0, s.maxInputNorm(), 1e-6);
        assertEquals(Math.sqrt(0.82 + 0.40 + 0.50 + 1.0), s.inputFrobenius(), 1e-6);
        DataStats q = MarginStats.of(id, data, "train", 0.5); // sorted −1, 0, 0.4, 0.8: index floor(0.5·3) = 1
        assertEquals(0.0, q.margin(), 1e-6);
        assertEquals(0.25, q.marginLossRate(), 0);
    }

    @Test
    void spearmanOfMonotoneAndReversedAndTiedData() {
        assertEquals(1.0, RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 25, 100}), 1e-12);
        assertEquals(-1.0, RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
        assertArrayEquals(new double[] {1.5, 1.5, 3}, RankCorrelation.ranks(new double[] {5, 5, 7}), 0);
        assertTrue(Double.isNaN(RankCorrelation.spearman(new double[] {1, 1}, new double[] {1, 2})));
        assertEquals(1.0, RankCorrelation.spearman(new double[] {1, Double.POSITIVE_INFINITY}, new double[] {0, 1}), 1e-12);
    }

    @Test
    void tensorShapesAreChecked() {
        assertEquals(2, CheckpointLayers.asMatrix("w", new Tensor(new float[6], 2, 3)).rows());
    }
}
