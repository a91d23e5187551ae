package dev.lowrank4j.tasks.classify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.loldu.LolduFile;
import dev.lowrank4j.adapters.peft.PeftAdapter;
import dev.lowrank4j.data.spam.SpamAssassin;
import dev.lowrank4j.data.spam.TextSplit;
import dev.lowrank4j.io.BertConfigJson;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.tasks.BertForward;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tasks.FinetuneMethod;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training behaviour on the synthetic corpus with a tiny random encoder (milliseconds per step). */
class FinetuneTrainingTest {
    static final int BATCH = 4;
    static final int EPOCHS = 8;
    /** Learning rates for the tiny random model (not the MiniLM defaults). */
    static final Map<FinetuneMethod.Kind, Double> TINY_LR = Map.of(FinetuneMethod.Kind.FULL, 3e-3, FinetuneMethod.Kind.LORA, 1e-2,
            FinetuneMethod.Kind.PLORA, 1e-2, FinetuneMethod.Kind.LOLDU, 5e-2);
    /** Required drop of the mean training-set loss (nats); ln 2 ≈ 0.69 is where training starts. */
    static final double MIN_LOSS_DROP = 0.05;
    static final long SEED = 11;
    /** PeriodicLoRA stage length: the 32-step runs here cross three stage ends. */
    static final long STAGE_LENGTH = 8;

    @TempDir
    Path tmp;

    private FinetuneOptions.Builder options(FinetuneMethod.Kind m, String out) {
        return FinetuneOptions.builder(m).batchSize(BATCH).epochs(EPOCHS).maxTokens(ClassifyFixtures.TEST_MAX_TOKENS)
                .lr(TINY_LR.get(m)).seed(SEED).stageLength(STAGE_LENGTH).evalBatchSize(8)
                .dataDir(ClassifyFixtures.fixtureDir()).out(tmp.resolve(out));
    }

    private static TextSplit split(FinetuneOptions o) {
        return SpamAssassin.split(o.dataDir(), o.testFraction(), o.seed());
    }

    private static TextClassifierFinetune.Prepared prepare(FinetuneOptions o) {
        return TextClassifierFinetune.prepare(o, split(o), ClassifyFixtures.tinyEncoder(SEED), ClassifyFixtures.tokenizer(o.maxTokens()));
    }

    /** The model's loss on its own training examples (evaluation mode, every example once). */
    private static double trainLoss(TextClassifierFinetune.Prepared p) {
        TextSplit s = split(p.options()).limitTrain(p.options().trainLimit());
        List<EncodedText> train = TextEncoding.encode(ClassifyFixtures.tokenizer(p.options().maxTokens()), s.train());
        Metrics m = p.task().evaluate(new TextBatches(train, train, train, BATCH, 8).evaluationBatches());
        return m.get(SequenceClassification.VAL_LOSS);
    }

    /** Step losses as the trainer reports them. */
    private static final class Losses implements TrainListener {
        final List<Double> values = new ArrayList<>();

        @Override
        public void onStep(StepStats s) {
            values.add(s.loss());
        }

        double[] array() {
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    @Test
    void everyMethodLowersTheTrainingLossAndMovesItsOwnParameters() {
        for (FinetuneMethod.Kind m : FinetuneMethod.Kind.values()) {
            TextClassifierFinetune.Prepared p = prepare(options(m, m.name()).build());
            Map<Parameter, float[]> start = snapshot(p.applied().trainable());
            double before = trainLoss(p);
            p.train(TrainListener.NONE);
            double after = trainLoss(p);
            System.out.printf("%s: training loss %.4f -> %.4f%n", m, before, after);
            assertTrue(after < before - MIN_LOSS_DROP, m + ": training loss " + before + " -> " + after);
            // the head alone could lower the loss; the method's own encoder parameters must move too
            boolean encoderMoved = start.entrySet().stream()
                    .filter(e -> !e.getKey().name().startsWith(SequenceClassifier.HEAD_PATH + "."))
                    .anyMatch(e -> !Arrays.equals(e.getValue(), e.getKey().data()));
            assertTrue(encoderMoved, m + ": no encoder-side parameter changed");
        }
    }

    @Test
    void adaptersLeaveEveryFrozenWeightBitIdentical() {
        for (FinetuneMethod.Kind m : List.of(FinetuneMethod.Kind.LORA, FinetuneMethod.Kind.LOLDU)) {
            TextClassifierFinetune.Prepared p = prepare(options(m, m.name()).build());
            List<Parameter> frozen = p.task().parameters().stream().filter(q -> !q.trainable()).toList();
            Map<Parameter, float[]> start = snapshot(frozen);
            p.train(TrainListener.NONE);
            for (Parameter q : frozen) assertArrayEquals(start.get(q), q.data(), m + ": " + q.name() + " changed");
            assertTrue(frozen.stream().allMatch(q -> q.grad() == null), "frozen parameters hold no gradient");
        }
    }

    @Test
    void periodicLoraFoldsEachStageIntoTheTargetedWeightsOnly() {
        TextClassifierFinetune.Prepared p = prepare(options(FinetuneMethod.Kind.PLORA, "plora").build());
        List<Parameter> frozen = p.task().parameters().stream().filter(q -> !q.trainable()).toList();
        Map<Parameter, float[]> start = snapshot(frozen);
        p.train(TrainListener.NONE);
        assertTrue(p.applied().plora().stagesCompleted() > 0);
        for (Parameter q : frozen) {
            boolean targeted = q.name().matches(".*\\.attention\\.self\\.(query|value)\\.weight");
            boolean changed = !Arrays.equals(start.get(q), q.data());
            assertEquals(targeted, changed, q.name() + (targeted ? " should absorb the stage updates" : " should stay frozen"));
        }
    }

    @Test
    void momentumUnloadingWorksForTheClassifierToo() {
        double[] plain = run(options(FinetuneMethod.Kind.PLORA, "m0").epochs(2).build());
        double[] momentum = run(options(FinetuneMethod.Kind.PLORA, "m1").epochs(2).momentum(0.3).build());
        assertFalse(Arrays.equals(plain, momentum), "--momentum did not change the trajectory");
    }

    @Test
    void trainableCountsFollowTheMethodFormulas() {
        int h = ClassifyFixtures.TINY.hiddenSize(), layers = ClassifyFixtures.TINY.numHiddenLayers();
        int r = FinetuneOptions.DEFAULT_RANK;
        long head = 2L * h + 2;
        Map<FinetuneMethod.Kind, Long> expected = Map.of(
                FinetuneMethod.Kind.LORA, layers * 2L * r * (h + h) + head,
                FinetuneMethod.Kind.PLORA, layers * 2L * r * (h + h) + head,
                FinetuneMethod.Kind.LOLDU, layers * 2L * r + head);
        for (var e : expected.entrySet()) {
            TextClassifierFinetune.Prepared p = prepare(options(e.getKey(), e.getKey().name()).build());
            assertEquals(e.getValue(), p.applied().trainableCount(), e.getKey().toString());
            assertEquals(layers * 2, p.applied().modules().size());
        }
        TextClassifierFinetune.Prepared full = prepare(options(FinetuneMethod.Kind.FULL, "full").build());
        long all = full.task().parameters().stream().mapToLong(Parameter::numel).sum();
        assertEquals(all, full.applied().trainableCount());
    }

    private double[] run(FinetuneOptions o) {
        Losses losses = new Losses();
        prepare(o).train(losses);
        return losses.array();
    }

    @Test
    void aSeedFixesTheWholeRunBitForBit() {
        double[] a = run(options(FinetuneMethod.Kind.LORA, "a").epochs(2).build());
        double[] b = run(options(FinetuneMethod.Kind.LORA, "b").epochs(2).build());
        assertArrayEquals(a, b, 0.0, "the same seed must give the same losses, bit for bit");
        double[] c = run(options(FinetuneMethod.Kind.LORA, "c").epochs(2).seed(SEED + 1).build());
        assertFalse(Arrays.equals(a, c), "another seed should change the run");
    }

    @Test
    void resumeAfterACrashEndsBitForBitWhereAnUninterruptedRunEnds() throws IOException {
        for (FinetuneMethod.Kind m : List.of(FinetuneMethod.Kind.PLORA, FinetuneMethod.Kind.FULL)) {
            FinetuneOptions straight = options(m, m + "-a").epochs(3).trainLimit(12).build();
            TextClassifierFinetune.Result a = prepare(straight).train(TrainListener.NONE);
            long perEpoch = BatchPlan.batchesPerEpoch(12, BATCH);

            FinetuneOptions crashing = options(m, m + "-b").epochs(3).trainLimit(12).build();
            long crashAt = perEpoch + 2; // mid-way through epoch 2, after the end-of-epoch-1 checkpoint
            assertThrows(IllegalStateException.class, () -> prepare(crashing).train(new TrainListener() {
                @Override
                public void onStep(StepStats s) {
                    if (s.step() == crashAt) throw new IllegalStateException("simulated crash");
                }
            }));
            TextClassifierFinetune.Result b = prepare(options(m, m + "-b").epochs(3).trainLimit(12).resume(true).build())
                    .train(TrainListener.NONE);

            assertEquals(a.summary().steps(), b.summary().steps());
            assertEquals(a.summary().metrics(), b.summary().metrics(), m + ": test metrics after resume");
            Map<String, dev.lowrank4j.tensor.Tensor> wa = HfCheckpoint.readWeights(a.model()), wb = HfCheckpoint.readWeights(b.model());
            assertEquals(wa.keySet(), wb.keySet());
            for (String k : wa.keySet()) assertArrayEquals(wa.get(k).data, wb.get(k).data, 0f, m + ": " + k + " differs after resume");
            assertEquals(Files.readAllLines(tmp.resolve(m + "-a").resolve(Trainer.METRICS_FILE)).size(),
                    Files.readAllLines(tmp.resolve(m + "-b").resolve(Trainer.METRICS_FILE)).size(), "each step logged once");
        }
    }

    @Test
    void aRunFolderHoldsMetricsSummaryCheckpointsTheMergedModelAndTheAdapter() throws IOException {
        Path out = tmp.resolve("run");
        FinetuneOptions o = options(FinetuneMethod.Kind.LORA, "run").epochs(2).logEvery(2).trainLimit(12).build();
        List<Long> steps = new ArrayList<>();
        List<Long> evals = new ArrayList<>();
        TrainListener listener = new TrainListener() {
            @Override
            public void onStep(StepStats s) {
                steps.add(s.step());
                assertEquals("examples", s.unit());
            }

            @Override
            public void onEval(long step, Metrics m) {
                evals.add(step);
                assertEquals(SequenceClassification.VAL_ACCURACY, m.primary());
            }
        };
        TextClassifierFinetune.Result r = prepare(o).train(listener);

        long perEpoch = BatchPlan.batchesPerEpoch(12, BATCH);
        assertEquals(2 * perEpoch, r.summary().steps());
        assertEquals(List.of(perEpoch, 2 * perEpoch), evals, "one evaluation per epoch");
        assertEquals(r.summary().steps(), steps.size());
        assertEquals(12, r.trainExamples());

        JsonNode summary = Json.MAPPER.readTree(out.resolve(Trainer.SUMMARY_FILE).toFile());
        assertEquals("lora", summary.get("method").asText());
        assertEquals(r.summary().trainableParameters(), summary.get("trainable_parameters").asLong());
        for (String split : List.of("val_", "test_")) {
            for (String k : List.of("accuracy", "f1", "precision", "recall", "loss")) assertTrue(summary.has(split + k), split + k);
        }
        assertFalse(summary.has("accuracy"), "every metric names its split");
        assertFalse(summary.has("val_perplexity"), "a classifier has no perplexity");
        for (String k : List.of("weights", "gradients", "optimizer_states", "activations")) {
            assertTrue(summary.get("memory_bytes").get(k).asLong() > 0, k);
        }
        List<String> lines = Files.readAllLines(out.resolve(Trainer.METRICS_FILE));
        assertEquals(r.summary().steps() / 2, lines.stream().filter(l -> l.contains("\"loss\"")).count());
        assertEquals(2, lines.stream().filter(l -> l.contains("\"val_loss\"")).count());
        assertEquals(0, lines.stream().filter(l -> l.contains("\"test_")).count(), "training never looks at the test split");
        assertTrue(Checkpoints.latest(out).isPresent(), "checkpoints are written");
        assertTrue(Files.isRegularFile(out.resolve("report.html")));

        // adapter/ in PEFT's layout with MiniLM's BERT module names and the head as modules_to_save
        PeftAdapter adapter = PeftAdapter.read(r.adapter());
        assertEquals(List.of("classifier"), adapter.config().modulesToSave());
        assertTrue(adapter.tensors().containsKey("base_model.model.encoder.layer.0.attention.self.query.lora_A.weight"));
        assertEquals(List.of("classifier.weight", "classifier.bias"), List.copyOf(adapter.savedModules().keySet()));
        // model/ is a BERT folder with the adapter merged and no adapter factors
        Map<String, dev.lowrank4j.tensor.Tensor> merged = HfCheckpoint.readWeights(r.model());
        assertTrue(merged.containsKey("classifier.weight") && merged.containsKey("encoder.layer.0.attention.self.query.weight"));
        assertTrue(merged.keySet().stream().noneMatch(k -> k.contains("lora_")), "merged model holds no LoRA factors");
    }

    @Test
    void forwardLoadsTheMergedModelAndTheBasePlusAdapterAgain() throws IOException {
        // the base encoder as a BERT folder, so the adapter has something to be applied to
        BertEncoder base = ClassifyFixtures.tinyEncoder(SEED);
        Path baseDir = tmp.resolve("base");
        SafeTensorsWriter w = new SafeTensorsWriter();
        base.stateDict().forEach(w::putFloat);
        w.write(baseDir.resolve(HfCheckpoint.WEIGHTS_FILE));
        Files.writeString(baseDir.resolve(HfCheckpoint.CONFIG_FILE), BertConfigJson.write(base.config(), 0));

        FinetuneOptions o = options(FinetuneMethod.Kind.LORA, "fwd").epochs(1).trainLimit(8).build();
        TextClassifierFinetune.Prepared p = TextClassifierFinetune.prepare(o, split(o), base, ClassifyFixtures.tokenizer(o.maxTokens()));
        TextClassifierFinetune.Result r = p.train(TrainListener.NONE);

        int[] ids = {101, 2023, 2003, 1037, 3231, 102, 0, 0, 101, 7099, 102, 0};
        int[] mask = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0};
        Path input = tmp.resolve("ids.safetensors");
        new SafeTensorsWriter().putLong("input_ids", java.util.Arrays.stream(ids).asLongStream().toArray(), 2, 6)
                .putLong("attention_mask", java.util.Arrays.stream(mask).asLongStream().toArray(), 2, 6).write(input);
        float[] expected = p.task().model().logits(new dev.lowrank4j.models.bert.TokenBatch(2, 6, ids, mask, new int[12])).data.clone();

        for (String how : List.of("merged", "adapter")) {
            Path out = tmp.resolve(how + ".safetensors");
            BertForward.Result fr = how.equals("merged")
                    ? BertForward.run(r.model().toString(), null, false, input, out)
                    : BertForward.run(baseDir.toString(), r.adapter(), false, input, out);
            assertEquals(2, fr.labels());
            float[] logits;
            try (var f = SafeTensors.open(out)) {
                logits = f.readFloat("logits").data;
            }
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], logits[i], 1e-4 * (1 + Math.abs(expected[i])), how + " logit " + i);
            }
        }
    }

    @Test
    void lolduSavesItsFactorsAndAnOccupiedFolderIsRefused() {
        FinetuneOptions o = options(FinetuneMethod.Kind.LOLDU, "loldu").epochs(1).trainLimit(8).build();
        TextClassifierFinetune.Result r = prepare(o).train(TrainListener.NONE);
        assertTrue(Files.isRegularFile(r.adapter().resolve(LolduFile.FILE)));
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> prepare(o));
        assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
    }

    @Test
    void aDivergingRunStopsAndNamesTheStep() {
        FinetuneOptions o = options(FinetuneMethod.Kind.FULL, "hot").lr(1e9).clipNorm(0).build();
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> prepare(o).train(TrainListener.NONE));
        assertTrue(e.getMessage().matches(".*(loss|gradient norm) became .* at step \\d+.*"), e.getMessage());
    }

    @Test
    void tokenizerMustTruncateWhereTheOptionsSay() {
        FinetuneOptions o = options(FinetuneMethod.Kind.LORA, "tok").build();
        var e = assertThrows(Lowrank4jException.class, () -> TextClassifierFinetune.run(o, split(o),
                ClassifyFixtures.tinyEncoder(1), ClassifyFixtures.tokenizer(o.maxTokens() * 2), TrainListener.NONE));
        assertTrue(e.getMessage().contains("--max-tokens"), e.getMessage());
    }

    private static Map<Parameter, float[]> snapshot(List<Parameter> params) {
        Map<Parameter, float[]> m = new HashMap<>();
        for (Parameter p : params) m.put(p, p.data().clone());
        return m;
    }
}
