package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.data.spam.SpamAssassin;
import dev.lowrank4j.data.spam.TextSplit;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tasks.FinetuneMethod;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.TrainSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real all-MiniLM-L6-v2 (about 2 s to load): parameter counts and frozen weights under adapters. */
class MiniLmFinetuneTest {
    static final int LAYERS = 6;
    static final int HIDDEN = 384;
    static final int TARGETS_PER_LAYER = 2; // query and value
    static final long HEAD = HIDDEN * 2L + 2;
    /** Fewer than the 2 epochs × 2 batches of the 8-example limit: the step cap ends the run mid-epoch. */
    static final int STEPS = 3;

    @TempDir
    Path tmp;

    private FinetuneOptions quick(FinetuneMethod.Kind m) {
        return FinetuneOptions.builder(m).maxTokens(ClassifyFixtures.TEST_MAX_TOKENS).batchSize(4).epochs(2).maxSteps(STEPS)
                .trainLimit(8).seed(5).dataDir(ClassifyFixtures.fixtureDir()).out(tmp.resolve(m.name())).build();
    }

    private static TextClassifierFinetune.Result run(FinetuneOptions o, MiniLm minilm) {
        TextSplit split = SpamAssassin.split(o.dataDir(), o.testFraction(), o.seed());
        return TextClassifierFinetune.run(o, split, minilm.encoder(), minilm.tokenizer(), TrainListener.NONE);
    }

    @Test
    void loraOnQueryAndValueTrainsRankTimesInPlusOutPerLayerAndLeavesMiniLmUntouched() {
        MiniLm minilm = MiniLm.load(ClassifyFixtures.TEST_MAX_TOKENS);
        Map<String, float[]> before = new LinkedHashMap<>();
        long baseCount = 0;
        for (Parameter p : minilm.encoder().parameters()) {
            before.put(p.name(), p.data().clone());
            baseCount += p.numel();
        }
        int r = FinetuneOptions.DEFAULT_RANK;
        TextClassifierFinetune.Result result = run(quick(FinetuneMethod.Kind.LORA), minilm);
        TrainSummary s = result.summary();

        long adapters = LAYERS * TARGETS_PER_LAYER * (long) r * (HIDDEN + HIDDEN);
        assertEquals(adapters + HEAD, s.trainableParameters()); // 73,728 + 770
        assertEquals(baseCount + adapters + HEAD, s.totalParameters());
        List<String> expectedPaths = new ArrayList<>();
        for (int i = 0; i < LAYERS; i++) {
            expectedPaths.add("encoder.layer." + i + ".attention.self.query");
            expectedPaths.add("encoder.layer." + i + ".attention.self.value");
        }
        assertEquals(expectedPaths, result.adaptedModules());
        assertEquals(STEPS, s.steps());
        assertTrue(Double.isFinite(s.trainLoss()) && Double.isFinite(s.metric("val_loss"))
                && Double.isFinite(result.test().get("test_loss")));
        for (Parameter p : minilm.encoder().parameters()) {
            float[] old = before.get(p.name());
            if (old != null) assertArrayEquals(old, p.data(), p.name() + " changed under LoRA");
        }
    }

    @Test
    void lolduTrainsRScalarsPerAdaptedLayer() {
        MiniLm minilm = MiniLm.load(ClassifyFixtures.TEST_MAX_TOKENS);
        TextClassifierFinetune.Result result = run(quick(FinetuneMethod.Kind.LOLDU), minilm);
        assertEquals(LAYERS * TARGETS_PER_LAYER * (long) FinetuneOptions.DEFAULT_RANK + HEAD, result.summary().trainableParameters()); // 96 + 770
    }
}
