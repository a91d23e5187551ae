package dev.lowrank4j.classify;

import dev.lowrank4j.train.MemoryLedger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a fine-tuning run reports; {@link #toJson()} is {@code summary.json}.
 *
 * @param trainableParameters values the optimizer updates (adapters or encoder, plus the head)
 * @param totalParameters     every value the model holds, frozen adapter factors included
 * @param memory              bytes by category; activations are those of the largest training step
 * @param trainSeconds        wall time of the training steps, evaluation excluded
 * @param examplesPerSecond   training examples per second of {@code trainSeconds}
 * @param tokensPerSecond     real (unpadded) training tokens per second
 * @param finalTrainLoss      mean training loss of the last min({@link #TRAIN_LOSS_WINDOW}, steps per epoch)
 *                            steps: less noisy than the last batch, still the end of training
 */
public record FinetuneResult(FinetuneOptions options, long steps, int trainExamples, int testExamples,
                             double finalTrainLoss, double testLoss, BinaryMetrics test, long trainableParameters,
                             long totalParameters, MemoryLedger memory, double trainSeconds, double evalSeconds,
                             double examplesPerSecond, double tokensPerSecond, List<String> adaptedModules) {
    public static final int TRAIN_LOSS_WINDOW = 50;

    public double accuracy() {
        return test.accuracy();
    }

    public double f1() {
        return test.f1();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", options.method().cliName());
        m.put("steps", steps);
        m.put("train_examples", trainExamples);
        m.put("test_examples", testExamples);
        m.put("final_train_loss", finalTrainLoss);
        m.put("test_loss", testLoss);
        m.put("test", test.toJson());
        m.put("trainable_parameters", trainableParameters);
        m.put("total_parameters", totalParameters);
        m.put("memory_bytes", memory.asMap());
        m.put("train_seconds", trainSeconds);
        m.put("eval_seconds", evalSeconds);
        m.put("examples_per_second", examplesPerSecond);
        m.put("tokens_per_second", tokensPerSecond);
        m.put("adapted_modules", adaptedModules);
        m.put("options", optionsJson());
        return m;
    }

    private Map<String, Object> optionsJson() {
        FinetuneOptions o = options;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", o.method().cliName());
        m.put("rank", o.rank());
        m.put("alpha", o.resolvedAlpha());
        if (o.method() == FinetuneMethod.PLORA) m.put("stage_length", o.resolvedStageLength());
        m.put("lr", o.learningRate());
        m.put("epochs", o.epochs());
        m.put("max_steps", o.maxSteps());
        m.put("batch_size", o.batchSize());
        m.put("eval_batch_size", o.evalBatchSize());
        m.put("max_tokens", o.maxTokens());
        m.put("seed", o.seed());
        m.put("train_limit", o.trainLimit());
        m.put("warmup_ratio", o.warmupRatio());
        m.put("weight_decay", o.weightDecay());
        m.put("clip_norm", o.clipNorm());
        m.put("test_fraction", o.testFraction());
        m.put("data_dir", o.dataDir() == null ? null : o.dataDir().toAbsolutePath().toString());
        return m;
    }

    /** A short human-readable report (what a CLI prints at the end). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "method %s: %d steps on %d examples, tested on %d%n", options.method().cliName(),
                steps, trainExamples, testExamples));
        sb.append(String.format(Locale.ROOT, "test accuracy %.4f  F1 (spam) %.4f  precision %.4f  recall %.4f  loss %.4f%n",
                test.accuracy(), test.f1(), test.precision(), test.recall(), testLoss));
        sb.append(String.format(Locale.ROOT, "trainable parameters %,d of %,d (%.3f%%)%n", trainableParameters,
                totalParameters, 100.0 * trainableParameters / totalParameters));
        sb.append(String.format(Locale.ROOT, "train time %.1f s, %.1f examples/s, %,.0f tokens/s (eval %.1f s)%n",
                trainSeconds, examplesPerSecond, tokensPerSecond, evalSeconds));
        sb.append("memory by category:\n").append(memory.format());
        return sb.toString();
    }
}
