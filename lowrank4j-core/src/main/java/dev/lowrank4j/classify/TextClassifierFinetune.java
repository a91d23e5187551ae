package dev.lowrank4j.classify;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.models.bert.WordPieceTokenizer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.train.MetricsLog;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Fine-tunes a BERT encoder with a classification head on labelled texts: the library entry point
 * behind {@code lowrank4j finetune --model minilm --task spam --method full|lora|plora|loldu}.
 *
 * <p>{@link #run(FinetuneOptions, TrainListener)} does the whole spam task: loads the SpamAssassin
 * cache, splits it (stratified, seeded), loads all-MiniLM-L6-v2 with a tokenizer truncating at
 * {@code maxTokens}, tokenises every text once, trains, evaluates on the test split, and writes
 * {@code metrics.jsonl} and {@code summary.json} to {@code options.out()} when it is set (both
 * replaced if present). The second overload takes the data and model, for tests and other tasks.
 */
public final class TextClassifierFinetune {
    public static final String METRICS_FILE = "metrics.jsonl";
    public static final String SUMMARY_FILE = "summary.json";
    static final int NUM_LABELS = 2;

    private TextClassifierFinetune() {}

    /** The spam task with MiniLM: SpamAssassin from {@code options.dataDir()} (or the cache). */
    public static FinetuneResult run(FinetuneOptions options, TrainListener listener) {
        // resolved here so summary.json names the folder actually read
        FinetuneOptions o = options.dataDir() != null ? options : options.withDataDir(SpamAssassin.defaultDir());
        TextSplit split = SpamAssassin.split(o.dataDir(), o.testFraction(), o.seed());
        MiniLm minilm = MiniLm.load(o.maxTokens());
        return run(o, split, minilm.encoder(), minilm.tokenizer(), listener);
    }

    /**
     * Fine-tunes {@code encoder} (modified in place: adapters injected or weights updated) on
     * {@code data.train()} limited to {@code options.trainLimit()}, and tests on {@code data.test()}.
     * The tokenizer must truncate at {@code options.maxTokens()}.
     */
    public static FinetuneResult run(FinetuneOptions options, TextSplit data, BertEncoder encoder,
                                     WordPieceTokenizer tokenizer, TrainListener listener) {
        if (tokenizer.maxLength() != options.maxTokens()) {
            throw new Lowrank4jException("the tokenizer truncates at " + tokenizer.maxLength() + " tokens but max tokens is "
                    + options.maxTokens());
        }
        TextSplit used = data.limitTrain(options.trainLimit());
        List<EncodedText> train = TextEncoding.encode(tokenizer, used.train());
        List<EncodedText> test = TextEncoding.encode(tokenizer, used.test());

        SequenceClassifier model = new SequenceClassifier(encoder, NUM_LABELS, options.seed());
        FinetuneSetup.Applied setup = FinetuneSetup.apply(model, options);
        ClassifierTrainer.Outcome outcome;
        if (options.out() != null) {
            Path metrics = prepareOut(options.out());
            try (MetricsLog log = new MetricsLog(metrics)) {
                outcome = new ClassifierTrainer(model, setup, options).train(train, test, listener, log);
            }
        } else {
            outcome = new ClassifierTrainer(model, setup, options).train(train, test, listener, null);
        }
        FinetuneResult result = result(options, model, setup, outcome, train.size(), test.size());
        if (options.out() != null) Json.writeAtomically(options.out().resolve(SUMMARY_FILE), result.toJson());
        return result;
    }

    private static Path prepareOut(Path out) {
        try {
            Files.createDirectories(out);
            Path metrics = out.resolve(METRICS_FILE);
            Files.deleteIfExists(metrics); // a new run's log must not continue an old one
            return metrics;
        } catch (IOException e) {
            throw new Lowrank4jException(out + ": cannot prepare the output folder (" + e.getMessage() + ")");
        }
    }

    private static FinetuneResult result(FinetuneOptions o, SequenceClassifier model, FinetuneSetup.Applied setup,
                                         ClassifierTrainer.Outcome r, int trainSize, int testSize) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long total = 0;
        for (Parameter p : model.parameters()) if (seen.add(p)) total += p.numel();
        int window = (int) Math.min(r.steps(), Math.min(FinetuneResult.TRAIN_LOSS_WINDOW,
                BatchPlan.batchesPerEpoch(trainSize, o.batchSize())));
        double finalLoss = Arrays.stream(r.stepLosses(), (int) r.steps() - window, (int) r.steps()).average().orElse(Double.NaN);
        double secs = Math.max(r.trainSeconds(), 1e-9);
        return new FinetuneResult(o, r.steps(), trainSize, testSize, finalLoss, r.evaluation().loss(), r.evaluation().metrics(),
                setup.trainableCount(), total, r.memory(), r.trainSeconds(), r.evalSeconds(), r.examplesSeen() / secs,
                r.tokensSeen() / secs, setup.adaptedModules());
    }
}
