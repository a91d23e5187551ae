package dev.lowrank4j.bounds;

import dev.lowrank4j.data.images.IdxDirectory;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.dlrt.DlrtOptions;
import dev.lowrank4j.dlrt.LowRankConversion;
import dev.lowrank4j.dlrt.LowRankInit;
import dev.lowrank4j.dlrt.LowRankLinear;
import dev.lowrank4j.dlrt.LowRankModelFile;
import dev.lowrank4j.dlrt.VisionArchitecture;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.tasks.vision.DlrtJob;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bounds of DLRT runs (one epoch of the dense network on the committed 8×8 digits): run, model and checkpoint folders. */
class DlrtFolderTest {
    private static ImageSplit digits;

    @BeforeAll
    static void load() throws Exception {
        digits = IdxDirectory.load(Path.of(DlrtFolderTest.class.getResource("/digits-8x8").toURI()));
    }

    private static DlrtJob.Result train(Path out, boolean baseline) {
        return train(out, baseline, 0);
    }

    private static DlrtJob.Result train(Path out, boolean baseline, int logBounds) {
        DlrtOptions adam = DlrtOptions.adaptive(0.2).withIntegrator(DlrtOptions.IntegratorKind.ADAM);
        return DlrtJob.run(new DlrtJob.Options("mlp", "digits-8x8", digits, baseline ? null : adam, new int[] {16}, 1, 64,
                0.005, 3, out, false, DlrtOptions.IntegratorKind.ADAM), TrainListener.NONE, logBounds);
    }

    @Test
    void lowRankLayersHaveTheirRankAndTheRunsClassifierGivesItsAccuracy(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        DlrtJob.Result r = train(run, false, 10); // 23 steps: bounds logged at steps 10 and 20
        List<String> logged = Files.readAllLines(run.resolve(Trainer.METRICS_FILE)).stream()
                .filter(l -> l.contains(BoundsLogHook.MARKER)).toList();
        assertEquals(2, logged.size());
        assertTrue(logged.get(0).startsWith("{\"step\":10,\"log10_koopman\":\"Infinity\""), "singular low-rank layers: " + logged.get(0));
        assertTrue(logged.get(1).contains("\"log10_spectral\":"), logged.get(1));
        assertTrue(BoundsLogHook.curves(run).get("log10_spectral").size() == 2);
        assertFalse(BoundsLogHook.curves(run).containsKey("log10_koopman"), "+inf is not charted");
        assertTrue(Files.readString(run.resolve("report.html")).contains("Generalization bounds"));
        for (Path p : List.of(run, run.resolve(DlrtJob.MODEL_DIR), Checkpoints.latest(run).orElseThrow())) {
            MatrixLayers net = CheckpointLayers.load(p);
            assertTrue(net.feedForwardChain());
            assertEquals(List.of("fc1.weight", "fc2.weight", "fc3.weight", "fc4.weight", "fc5.weight"),
                    net.matrices().stream().map(LayerMatrix::name).toList());
            BoundReport report = Bounds.compute(net, null, KoopmanOptions.defaults());
            for (LayerSpectrum s : report.layers()) {
                String path = s.name().replace(".weight", "");
                Integer rank = r.ranks().get(path);
                if (rank == null) { // the head: full rank, formed by an SVD of the dense weight
                    assertEquals(10, s.numericalRank());
                    continue;
                }
                assertEquals((int) rank, s.numericalRank(), path + ": rank of U·S·Vᵀ");
                assertTrue(rank < Math.min(s.rows(), s.cols()), path + " was compressed");
                assertEquals(Double.POSITIVE_INFINITY, s.conditionNumber(), path + " is singular");
                assertTrue(s.treatment().contains("rank " + rank), s.treatment());
            }
            // the spectrum is S's, the Frobenius norm the formed matrix's: they must agree
            for (LayerSpectrum s : report.layers()) {
                double f2 = 0;
                for (double v : s.singularValues()) f2 += v * v;
                assertEquals(s.frobenius(), Math.sqrt(f2), 1e-4 * s.frobenius(), s.name());
            }
            assertEquals(Double.POSITIVE_INFINITY, report.total("koopman").logComplexity());
            assertTrue(Double.isFinite(report.total("path").logComplexity()), "formed U·S·Vᵀ matrices compose: path norm");
        }
        ImageClassifier c = CheckpointLayers.imageClassifier(run).orElseThrow();
        DataStats test = MarginStats.of(c, digits.test(), "test", 0.1);
        assertEquals(r.testAccuracy(), test.accuracy(), 1e-9, "the loaded run's test accuracy");
    }

    @Test
    void aFullRankBaselineRunLoadsAsADenseChain(@TempDir Path tmp) {
        Path run = tmp.resolve("base");
        DlrtJob.Result r = train(run, true);
        assertTrue(r.ranks().isEmpty());
        BoundReport report = Bounds.compute(CheckpointLayers.load(run), null, KoopmanOptions.defaults());
        assertEquals(5, report.layers().size());
        for (LayerSpectrum s : report.layers()) {
            assertEquals(Math.min(s.rows(), s.cols()), s.numericalRank(), s.name());
            assertEquals("", s.treatment());
        }
        DataStats train = MarginStats.of(CheckpointLayers.imageClassifier(run).orElseThrow(), digits.train(), "train", 0.1);
        assertTrue(train.accuracy() > 0.3, "trained: " + train.accuracy());
        assertFalse(CheckpointLayers.imageClassifier(tmp).isPresent(), "not a model folder");
        assertFalse(DlrtFolder.find(tmp).isPresent());
    }

    @Test
    void lenet5ConvolutionsArePatchMatricesFullRankOrLowRank(@TempDir Path tmp) {
        VisionArchitecture arch = VisionArchitecture.of(VisionArchitecture.LENET5, 1, 16, 16, 10);
        ImageClassifier net = arch.build(5);
        List<LowRankLinear> lowRank = LowRankConversion.apply(net, Map.of("conv2", 6), LowRankInit.Kind.SVD_OF_DEFAULT, 5);
        LowRankModelFile.save(tmp, arch, net, lowRank);
        MatrixLayers m = CheckpointLayers.load(tmp);
        LayerMatrix conv1 = m.matrices().get(0), conv2 = m.matrices().get(1);
        assertEquals("conv1.weight", conv1.name());
        assertEquals(25, conv1.cols(), "1·5·5 patch");
        assertEquals(CheckpointLayers.CONV_TREATMENT, conv1.treatment());
        assertTrue(conv2.treatment().contains("rank 6") && conv2.treatment().contains(CheckpointLayers.CONV_TREATMENT), conv2.treatment());
        BoundReport r = Bounds.compute(m, null, KoopmanOptions.defaults());
        assertEquals(6, r.layers().get(1).numericalRank());
        assertTrue(Double.isNaN(r.total("path").logComplexity()), "patch matrices do not compose");
    }
}
