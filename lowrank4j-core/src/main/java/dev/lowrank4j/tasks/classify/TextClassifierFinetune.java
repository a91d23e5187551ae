package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.spam.SpamAssassin;
import dev.lowrank4j.adapters.peft.PeftConfig;
import dev.lowrank4j.data.spam.LabeledText;
import dev.lowrank4j.data.spam.StratifiedSplit;
import dev.lowrank4j.data.spam.TextSplit;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.models.bert.WordPieceTokenizer;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.tasks.FinetuneMethod;
import dev.lowrank4j.tasks.FinetuneOutputs;
import dev.lowrank4j.tasks.RunFolder;
import dev.lowrank4j.tasks.RunReport;
import dev.lowrank4j.train.LrSchedule;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.TrainSummary;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fine-tunes a BERT encoder with a classification head on labelled texts: the library entry point
 * behind {@code lowrank4j finetune --model minilm --task spam --method full|lora|plora|loldu}.
 *
 * <p>{@link #run(FinetuneOptions, TrainListener)} does the whole spam task: loads the SpamAssassin
 * cache, splits it (stratified, seeded), loads all-MiniLM-L6-v2 with a tokenizer truncating at
 * {@code maxTokens}, tokenises every text once, trains with the one {@link Trainer} (checkpoints,
 * exact resume, metrics, an evaluation on the validation split carved from the training data after
 * every epoch), scores the test split once, and writes the run
 * folder: {@code summary.json}, {@code report.html}, {@code model/} (a BERT folder with the head and
 * any adapter merged) and {@code adapter/} (PEFT layout, or LoLDU's factors).
 */
public final class TextClassifierFinetune {
    static final int NUM_LABELS = 2;
    /** Salts the adapter streams apart from the head init, which uses the seed itself. */
    private static final long ADAPTER_SALT = 0xADA9_7E25_0000_0001L;
    /** The base model's name in adapter_config.json (the sentence-transformers checkpoint the ONNX file exports). */
    public static final String BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2";

    /**
     * What a run produced: the trainer's summary plus where the reusable results are.
     *
     * @param adapter the adapter folder (null for full fine-tuning)
     */
    public record Result(TrainSummary summary, Metrics test, int trainExamples, int valExamples, int testExamples,
                         List<String> adaptedModules, Path model, Path adapter) {}

    private TextClassifierFinetune() {}

    /** The spam task with MiniLM: SpamAssassin from {@code options.dataDir()} (or the cache). */
    public static Result run(FinetuneOptions options, TrainListener listener) {
        Path dataDir = options.dataDir() != null ? options.dataDir() : SpamAssassin.defaultDir();
        TextSplit split = listener.phases().during("reading SpamAssassin from " + dataDir,
                () -> SpamAssassin.split(dataDir, options.testFraction(), options.seed()));
        MiniLm minilm = listener.phases().during("loading MiniLM", () -> MiniLm.load(options.maxTokens()));
        return run(options, split, minilm.encoder(), minilm.tokenizer(), listener);
    }

    /**
     * Fine-tunes {@code encoder} (modified in place: adapters injected or weights updated) on
     * {@code data.train()} less a validation carve, limited to {@code options.trainLimit()}, and
     * tests once on {@code data.test()}.
     * The tokenizer must truncate at {@code options.maxTokens()}.
     */
    public static Result run(FinetuneOptions o, TextSplit data, BertEncoder encoder, WordPieceTokenizer tokenizer,
                             TrainListener listener) {
        return prepare(o, data, encoder, tokenizer).train(listener);
    }

    /**
     * A run set up and not started: the classifier with the method applied, its data and its
     * trainer (tests look inside before training).
     */
    public record Prepared(FinetuneOptions options, SequenceClassification task, TextBatches data,
                           FinetuneMethod.Applied applied, Trainer<LabeledBatch> trainer, Map<String, float[]> original) {
        /** Trains (or resumes) and writes summary.json, report.html, model/ and adapter/. */
        public Result train(TrainListener listener) {
            FinetuneOptions o = options;
            TrainSummary summary = trainer.listener(listener).run(o.resume());
            // the one look at the test split, after every choice has been made on validation
            Metrics test = listener.phases().during("scoring the test split", () -> task.metrics(data.testBatches(), SequenceClassification.TEST));
            SequenceClassifier model = task.model();
            Path adapter = FinetuneOutputs.saveAdapter(o.out(), applied, () -> original, BASE_MODEL_NAME, PeftConfig.SEQ_CLS,
                    headTensors(model));
            Path merged = listener.phases().during("writing the merged model", () -> FinetuneOutputs.saveMergedBert(o.out(), applied, model));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("method", applied.method().id());
            json.put("train_examples", data.trainExamples());
            json.put("val_examples", data.valExamples());
            json.put("test_examples", data.testExamples());
            json.putAll(summary.toJson());
            json.putAll(test.values());
            json.put("adapted_modules", applied.modules());
            json.put("model", merged.toString());
            json.put("adapter", adapter == null ? null : adapter.toString());
            Json.writeAtomically(o.out().resolve(Trainer.SUMMARY_FILE), json);
            RunReport.write(o.out(), "lowrank4j finetune: " + o.out().getFileName(), String.format(Locale.ROOT,
                    "MiniLM-L6 on %d training e-mails, method %s, %d steps; validation accuracy %.4f on %d e-mails;"
                            + " test accuracy %.4f, F1 %.4f on %d e-mails (scored once, at the end).",
                    data.trainExamples(), applied.method().id(), summary.steps(), summary.metric(SequenceClassification.VAL_ACCURACY),
                    data.valExamples(), test.get(SequenceClassification.TEST_ACCURACY), test.get("test_f1"), data.testExamples()),
                    "nats per example", summary);
            return new Result(summary, test, data.trainExamples(), data.valExamples(), data.testExamples(), applied.modules(),
                    merged, adapter);
        }
    }

    public static Prepared prepare(FinetuneOptions o, TextSplit data, BertEncoder encoder, WordPieceTokenizer tokenizer) {
        if (tokenizer.maxLength() != o.maxTokens()) {
            throw new Lowrank4jException("the tokenizer truncates at " + tokenizer.maxLength() + " tokens but --max-tokens is "
                    + o.maxTokens());
        }
        // validation is carved from the whole training split before any --train-limit, so quick runs keep it
        TextSplit carved = StratifiedSplit.validation(data.train(), o.valFraction(), o.seed());
        TextSplit used = new TextSplit(carved.train(), data.test()).limitTrain(o.trainLimit());
        List<LabeledText> val = carved.test();
        if (used.train().isEmpty()) throw new Lowrank4jException("no training examples");
        if (val.isEmpty()) throw new Lowrank4jException("the validation split is empty; use more training examples");
        TextBatches batches = new TextBatches(TextEncoding.encode(tokenizer, used.train()), TextEncoding.encode(tokenizer, val),
                TextEncoding.encode(tokenizer, used.test()), o.batchSize(), o.evalBatchSize());
        RunFolder.prepare(o.out(), o.resume(), runConfig(o, used, val.size()));

        SequenceClassifier model = new SequenceClassifier(encoder, NUM_LABELS, o.seed());
        FinetuneMethod method = o.method().withSeed(o.seed() ^ ADAPTER_SALT);
        FinetuneMethod.Applied applied = method.apply(encoder, model.head().parameters());
        SequenceClassification task = new SequenceClassification(model).withAdapters(applied.lora());
        // PeriodicLoRA's adapter/ is its update relative to these (the encoder's few adapted matrices, kept as copies)
        Map<String, float[]> original = applied.plora() == null ? Map.of() : originalOf(applied);

        TrainConfig train = trainConfig(o, batches);
        AdamW optimizer = new AdamW(applied.trainable(), new AdamW.Hyper(train.beta1(), train.beta2(), train.eps(), train.weightDecay()));
        Trainer<LabeledBatch> trainer = new Trainer<>(task, batches, train, o.out(), optimizer);
        if (applied.plora() != null) {
            trainer.schedule(LrSchedule.restartingCosine(train.steps(), method.stageLength(), o.warmupRatio(), 0.0)).hook(applied.hook());
        }
        return new Prepared(o, task, batches, applied, trainer, original);
    }

    /** Base weights of the adapted layers before any training (LoRA's injection leaves them as they were). */
    private static Map<String, float[]> originalOf(FinetuneMethod.Applied applied) {
        Map<String, float[]> out = new LinkedHashMap<>();
        applied.lora().byPath().forEach((path, l) -> out.put(path, l.base().storage().dequantize().data));
        return out;
    }

    /** The head's weights under their own names (classifier.weight, classifier.bias). */
    private static Map<String, dev.lowrank4j.tensor.Tensor> headTensors(SequenceClassifier model) {
        Map<String, dev.lowrank4j.tensor.Tensor> out = new LinkedHashMap<>();
        model.head().parameters().forEach(p -> out.put(p.name(), p.value()));
        return out;
    }

    /**
     * One epoch's worth of batches between evaluations (the validation split is scored after every
     * epoch and at the end; the test split only once, after training); transformers' cosine schedule to 0 with a warmup ratio.
     */
    static TrainConfig trainConfig(FinetuneOptions o, TextBatches batches) {
        int steps = Math.toIntExact(o.totalSteps(batches.trainExamples()));
        int perEpoch = batches.batchesPerEpoch();
        return TrainConfig.builder().steps(steps).batch(o.batchSize()).lr(o.lr()).minLrRatio(0)
                .warmup((int) Math.round(o.warmupRatio() * (o.method().kind() == FinetuneMethod.Kind.PLORA
                        ? Math.min(o.method().stageLength(), steps) : steps)))
                .weightDecay(o.weightDecay()).betas(TrainConfig.DEFAULT_BETA1, TrainConfig.DEFAULT_BETA2)
                .eps(TrainConfig.DEFAULT_EPS).clip(o.clipNorm()).evalEvery(perEpoch)
                .checkpointEvery(Math.max(1, Math.min(perEpoch, steps / 4))).logEvery(o.logEvery()).seed(o.seed()).build();
    }

    private static Map<String, Object> runConfig(FinetuneOptions o, TextSplit data, int valExamples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", "sequence-classification");
        m.put("model", BASE_MODEL_NAME);
        m.put("method", FinetuneOutputs.methodJson(o.method()));
        m.put("lr", o.lr());
        m.put("epochs", o.epochs());
        m.put("max_steps", o.maxSteps());
        m.put("batch_size", o.batchSize());
        m.put("eval_batch_size", o.evalBatchSize());
        m.put("max_tokens", o.maxTokens());
        m.put("seed", o.seed());
        m.put("train_limit", o.trainLimit());
        m.put("train_examples", data.train().size());
        m.put("val_examples", valExamples);
        m.put("test_examples", data.test().size());
        m.put("warmup_ratio", o.warmupRatio());
        m.put("weight_decay", o.weightDecay());
        m.put("clip_norm", o.clipNorm());
        m.put("test_fraction", o.testFraction());
        m.put("val_fraction", o.valFraction());
        return m;
    }
}
