package dev.lowrank4j.bounds;

import dev.lowrank4j.data.images.IdxDirectory;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.dlrt.LowRankModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bound-sweep's run folders are saved in the one vision-classifier format (LowRankModelFile, no low-rank layers). */
class BoundSweepTest {
    @Test
    void runFoldersLoadAsFullRankDlrtModelsWithTheSweepsAccuracy(@TempDir Path tmp) throws Exception {
        ImageSplit digits = IdxDirectory.load(Path.of(BoundSweepTest.class.getResource("/digits-8x8").toURI()));
        var cfg = new BoundSweep.Config("digits", digits, List.of(16), 2, List.of(0.0),
                new ClassifierTraining.Settings(2, 64, 1e-3, 0, 7), 0.1, KoopmanOptions.defaults(), tmp);
        Map<String, Object> result = BoundSweep.run(cfg, s -> {});
        // the weights-only Koopman factor is ranked beside the bounds, and each run records it
        assertTrue(((Map<?, ?>) result.get("spearman")).containsKey(BoundSweep.KOOPMAN_WEIGHTS));
        Map<?, ?> run = (Map<?, ?>) ((List<?>) result.get("runs")).getFirst();
        assertEquals("Infinity", String.valueOf(run.get("log10_koopman_weights")), "64 -> 16 is not injective: " + run);
        assertTrue(java.nio.file.Files.readString(tmp.resolve("sweep.md")).contains("| koopman_weights |"));
        Path dir = tmp.resolve("w16-p0.0");
        LowRankModelFile.Loaded m = LowRankModelFile.load(dir);
        assertTrue(m.layers().isEmpty());
        assertEquals(List.of(16, 16), m.architecture().hidden());
        MatrixLayers net = CheckpointLayers.load(dir);
        assertEquals(3, net.matrices().size());
        double saved = ClassifierTraining.evaluate(m.model(), digits.test()).accuracy();
        double again = MarginStats.of(CheckpointLayers.imageClassifier(dir).orElseThrow(), digits.test(), "test", 0.1).accuracy();
        assertEquals(saved, again, 1e-12);
    }

    @Test
    void runsWithAnUndefinedBoundAreLeftOutOfTheRanking() {
        double nan = Double.NaN;
        var m = BoundSweep.correlation(new double[] {nan, 1, 2, 3, nan}, new double[] {9, 0.1, 0.2, 0.3, -9}, new double[] {0, 3, 2, 1, 0});
        assertEquals(3, m.get("runs"));
        assertEquals(1.0, (Double) m.get("accuracy_gap"), 1e-12);
        assertEquals(-1.0, (Double) m.get("loss_gap"), 1e-12);
        var few = BoundSweep.correlation(new double[] {nan, 1, 2}, new double[] {0, 1, 2}, new double[] {0, 1, 2});
        assertEquals(2, few.get("runs"));
        assertEquals(null, few.get("accuracy_gap"));
    }
}
