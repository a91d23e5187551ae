package dev.lowrank4j.classify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training behaviour on the synthetic corpus with a tiny random encoder (milliseconds per step). */
class FinetuneTrainingTest {
    static final int BATCH = 4;
    static final int EPOCHS = 8;
    /** Learning rates for the tiny random model (not the MiniLM defaults). */
    static final Map<FinetuneMethod, Double> TINY_LR = Map.of(FinetuneMethod.FULL, 3e-3, FinetuneMethod.LORA, 1e-2,
            FinetuneMethod.PLORA, 1e-2, FinetuneMethod.LOLDU, 5e-2);
    /** Required drop of the mean training-set loss (nats); ln 2 ≈ 0.69 is where training starts. */
    static final double MIN_LOSS_DROP = 0.05;
    static final long SEED = 11;
    /** PeriodicLoRA stage length: the 32-step runs here cross three stage ends. */
    static final long STAGE_LENGTH = 8;
    /**
     * Same seed, same trajectory, up to float rounding: nn.VectorMath's lane-wise exp and
     * reduceLanes round differently once C2 compiles them, so a warm JVM can differ from a cold
     * one in the last bits (reported upstream). Order, init and data are bit-identical.
     */
    static final double SAME_RUN_TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    private static FinetuneOptions options(FinetuneMethod m) {
        return FinetuneOptions.defaults(m).withBatchSize(BATCH).withEpochs(EPOCHS).withMaxTokens(ClassifyFixtures.TEST_MAX_TOKENS)
                .withLr(TINY_LR.get(m)).withSeed(SEED).withStageLength(STAGE_LENGTH).withEvalBatchSize(8)
                .withDataDir(ClassifyFixtures.fixtureDir());
    }

    /** A model with the method applied, plus the fixture encoded for it. */
    private record Prepared(SequenceClassifier model, FinetuneSetup.Applied setup, List<EncodedText> train,
                            List<EncodedText> test) {
        static Prepared of(FinetuneOptions o) {
            TextSplit split = SpamAssassin.split(o.dataDir(), o.testFraction(), o.seed());
            var tok = ClassifyFixtures.tokenizer(o.maxTokens());
            SequenceClassifier model = new SequenceClassifier(ClassifyFixtures.tinyEncoder(SEED), 2, o.seed());
            return new Prepared(model, FinetuneSetup.apply(model, o), TextEncoding.encode(tok, split.train()),
                    TextEncoding.encode(tok, split.test()));
        }

        ClassifierTrainer.Outcome train(FinetuneOptions o) {
            return new ClassifierTrainer(model, setup, o).train(train, test, TrainListener.NONE, null);
        }

        double trainLoss() {
            return Evaluation.run(model, train, 8).loss();
        }
    }

    @Test
    void everyMethodLowersTheTrainingLossAndMovesItsOwnParameters() {
        for (FinetuneMethod m : FinetuneMethod.values()) {
            FinetuneOptions o = options(m);
            Prepared p = Prepared.of(o);
            Map<Parameter, float[]> start = snapshot(p.setup().trainable());
            double before = p.trainLoss();
            p.train(o);
            double after = p.trainLoss();
            System.out.printf("%s: training loss %.4f -> %.4f%n", m, before, after);
            assertTrue(after < before - MIN_LOSS_DROP, m + ": training loss " + before + " -> " + after);
            // the head alone could lower the loss; the method's own encoder parameters must move too
            boolean encoderMoved = start.entrySet().stream()
                    .filter(e -> !e.getKey().name().startsWith(SequenceClassifier.HEAD_PATH + "."))
                    .anyMatch(e -> !java.util.Arrays.equals(e.getValue(), e.getKey().data()));
            assertTrue(encoderMoved, m + ": no encoder-side parameter changed");
        }
    }

    @Test
    void adaptersLeaveEveryFrozenWeightBitIdentical() {
        for (FinetuneMethod m : List.of(FinetuneMethod.LORA, FinetuneMethod.LOLDU)) {
            FinetuneOptions o = options(m);
            Prepared p = Prepared.of(o);
            List<Parameter> frozen = p.model().parameters().stream().filter(q -> !q.trainable()).toList();
            Map<Parameter, float[]> start = snapshot(frozen);
            p.train(o);
            for (Parameter q : frozen) assertArrayEquals(start.get(q), q.data(), m + ": " + q.name() + " changed");
            assertTrue(frozen.stream().allMatch(q -> q.grad() == null), "frozen parameters hold no gradient");
        }
    }

    @Test
    void periodicLoraFoldsEachStageIntoTheTargetedWeightsOnly() {
        FinetuneOptions o = options(FinetuneMethod.PLORA);
        Prepared p = Prepared.of(o);
        List<Parameter> frozen = p.model().parameters().stream().filter(q -> !q.trainable()).toList();
        Map<Parameter, float[]> start = snapshot(frozen);
        p.train(o);
        assertTrue(p.setup().plora().stagesCompleted() > 0);
        for (Parameter q : frozen) {
            boolean targeted = q.name().matches(".*\\.attention\\.self\\.(query|value)\\.weight");
            boolean changed = !java.util.Arrays.equals(start.get(q), q.data());
            assertEquals(targeted, changed, q.name() + (targeted ? " should absorb the stage updates" : " should stay frozen"));
        }
    }

    @Test
    void trainableCountsFollowTheMethodFormulas() {
        int h = ClassifyFixtures.TINY.hiddenSize(), layers = ClassifyFixtures.TINY.numHiddenLayers();
        int r = FinetuneOptions.DEFAULT_RANK;
        long head = 2L * h + 2;
        Map<FinetuneMethod, Long> expected = Map.of(
                FinetuneMethod.LORA, layers * 2L * r * (h + h) + head,
                FinetuneMethod.PLORA, layers * 2L * r * (h + h) + head,
                FinetuneMethod.LOLDU, layers * 2L * r + head);
        for (var e : expected.entrySet()) {
            Prepared p = Prepared.of(options(e.getKey()));
            assertEquals(e.getValue(), p.setup().trainableCount(), e.getKey().toString());
            assertEquals(layers * 2, p.setup().adaptedModules().size());
        }
        Prepared full = Prepared.of(options(FinetuneMethod.FULL));
        long all = full.model().parameters().stream().mapToLong(Parameter::numel).sum();
        assertEquals(all, full.setup().trainableCount());
    }

    @Test
    void aSeedFixesTheWholeRun() {
        FinetuneOptions o = options(FinetuneMethod.LORA).withEpochs(2);
        ClassifierTrainer.Outcome a = Prepared.of(o).train(o), b = Prepared.of(o).train(o);
        assertArrayEquals(a.stepLosses(), b.stepLosses(), SAME_RUN_TOLERANCE);
        assertArrayEquals(a.evaluation().predictions(), b.evaluation().predictions());
        ClassifierTrainer.Outcome c = Prepared.of(o.withSeed(SEED + 1)).train(o.withSeed(SEED + 1));
        double largest = 0;
        for (int i = 0; i < a.stepLosses().length; i++) largest = Math.max(largest, Math.abs(a.stepLosses()[i] - c.stepLosses()[i]));
        assertTrue(largest > 100 * SAME_RUN_TOLERANCE, "another seed should change the run, largest loss change " + largest);
    }

    @Test
    void runWritesMetricsAndSummaryAndReportsProgress() throws IOException {
        Path out = tmp.resolve("run");
        FinetuneOptions o = options(FinetuneMethod.LOLDU).withEpochs(2).withLogEvery(2).withOut(out).withTrainLimit(12);
        TextSplit split = SpamAssassin.split(o.dataDir(), o.testFraction(), o.seed());
        List<Long> steps = new ArrayList<>();
        List<Long> evals = new ArrayList<>();
        TrainListener listener = new TrainListener() {
            @Override
            public void onStep(StepStats s) {
                steps.add(s.step());
            }

            @Override
            public void onEval(long step, double valLoss) {
                evals.add(step);
            }
        };
        BertEncoder encoder = ClassifyFixtures.tinyEncoder(SEED);
        FinetuneResult r = TextClassifierFinetune.run(o, split, encoder, ClassifyFixtures.tokenizer(o.maxTokens()), listener);

        long perEpoch = BatchPlan.batchesPerEpoch(12, BATCH);
        assertEquals(2 * perEpoch, r.steps());
        assertEquals(List.of(perEpoch, 2 * perEpoch), evals, "one evaluation per epoch");
        assertEquals(r.steps(), steps.size());
        assertEquals(12, r.trainExamples());
        assertEquals(split.test().size(), r.testExamples());

        JsonNode summary = Json.MAPPER.readTree(out.resolve(TextClassifierFinetune.SUMMARY_FILE).toFile());
        assertEquals("loldu", summary.get("method").asText());
        assertEquals(r.trainableParameters(), summary.get("trainable_parameters").asLong());
        assertEquals(r.accuracy(), summary.get("test").get("accuracy").asDouble());
        for (String k : List.of("weights", "gradients", "optimizer_states", "activations")) {
            assertTrue(summary.get("memory_bytes").get(k).asLong() > 0, k);
        }
        List<String> lines = Files.readAllLines(out.resolve(TextClassifierFinetune.METRICS_FILE));
        long stepLines = lines.stream().filter(l -> l.contains("\"loss\"")).count();
        long evalLines = lines.stream().filter(l -> l.contains("\"test_loss\"")).count();
        assertEquals(r.steps() / 2, stepLines);
        assertEquals(2, evalLines);
    }

    @Test
    void tokenizerMustTruncateWhereTheOptionsSay() {
        FinetuneOptions o = options(FinetuneMethod.LORA);
        TextSplit split = SpamAssassin.split(o.dataDir(), o.testFraction(), o.seed());
        var e = assertThrows(Lowrank4jException.class, () -> TextClassifierFinetune.run(o, split,
                ClassifyFixtures.tinyEncoder(1), ClassifyFixtures.tokenizer(o.maxTokens() * 2), TrainListener.NONE));
        assertTrue(e.getMessage().contains("max tokens"), e.getMessage());
    }

    private static Map<Parameter, float[]> snapshot(List<Parameter> params) {
        Map<Parameter, float[]> m = new HashMap<>();
        for (Parameter p : params) m.put(p, p.data().clone());
        return m;
    }
}
