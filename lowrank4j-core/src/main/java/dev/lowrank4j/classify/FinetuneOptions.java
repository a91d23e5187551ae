package dev.lowrank4j.classify;

import dev.lowrank4j.Lowrank4jException;

import java.nio.file.Path;

/**
 * Everything a text-classification fine-tuning run depends on. A zero in {@code alpha}, {@code lr}
 * or {@code stageLength} means "the method's default" (see the resolved accessors), so a CLI can
 * pass its flags through unchanged and leave unset ones at 0.
 *
 * @param method        full, lora, plora or loldu
 * @param rank          adapter rank r (LoRA factors, LoLDU diagonal length); ignored by full
 * @param alpha         adapter scale: LoRA scales by alpha/r (default 2r), LoLDU starts σ at alpha/r (default r, σ = 1)
 * @param stageLength   PeriodicLoRA optimizer steps per stage (default {@value #DEFAULT_STAGE_LENGTH})
 * @param lr            peak learning rate (default {@link FinetuneMethod#defaultLr()})
 * @param epochs        passes over the training set
 * @param maxSteps      stop after this many optimizer steps even mid-epoch (0 = no cap)
 * @param batchSize     training examples per step
 * @param evalBatchSize examples per forward pass when evaluating
 * @param maxTokens     texts are truncated to this many word pieces, [CLS] and [SEP] included
 * @param seed          seeds the split, the head and adapter init, and the batch order
 * @param trainLimit    use only the first N training examples (0 = all), for quick runs
 * @param warmupRatio   fraction of the steps (of each stage for plora) spent warming the learning rate up
 * @param weightDecay   AdamW decoupled weight decay (matrices only)
 * @param clipNorm      global gradient-norm clip (0 = off)
 * @param testFraction  share of each class held out for testing
 * @param logEvery      write a metrics line every this many steps
 * @param dataDir       corpus folder (null = the default cache, see {@link DataCache})
 * @param out           run folder for metrics.jsonl and summary.json (null = write nothing)
 */
public record FinetuneOptions(FinetuneMethod method, int rank, double alpha, long stageLength, double lr, int epochs,
                              long maxSteps, int batchSize, int evalBatchSize, int maxTokens, long seed, int trainLimit,
                              double warmupRatio, double weightDecay, double clipNorm, double testFraction, int logEvery,
                              Path dataDir, Path out) {
    public static final int DEFAULT_RANK = 8;
    public static final long DEFAULT_STAGE_LENGTH = 100;
    public static final int DEFAULT_BATCH = 16;
    /** As large as the training batch, so evaluation never needs more activation memory than the ledger reports. */
    public static final int DEFAULT_EVAL_BATCH = 16;
    public static final int DEFAULT_MAX_TOKENS = 128;
    public static final double DEFAULT_WARMUP_RATIO = 0.06;
    public static final double DEFAULT_CLIP = 1.0;
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    public static final int DEFAULT_LOG_EVERY = 10;
    /** BERT's position table has 512 entries. */
    public static final int MAX_TOKENS_LIMIT = 512;

    public FinetuneOptions {
        if (method == null) throw new Lowrank4jException("a fine-tuning method is required (full, lora, plora or loldu)");
        positive("rank", rank);
        positive("epochs", epochs);
        positive("batch size", batchSize);
        positive("eval batch size", evalBatchSize);
        positive("log interval", logEvery);
        if (maxTokens < 2 || maxTokens > MAX_TOKENS_LIMIT) {
            throw new Lowrank4jException("max tokens must be in [2, " + MAX_TOKENS_LIMIT + "] ([CLS] and [SEP] included), got " + maxTokens);
        }
        notNegative("alpha", alpha);
        notNegative("learning rate", lr);
        notNegative("stage length", stageLength);
        notNegative("max steps", maxSteps);
        notNegative("train limit", trainLimit);
        notNegative("weight decay", weightDecay);
        notNegative("gradient clip", clipNorm);
        if (!(warmupRatio >= 0 && warmupRatio < 1)) throw new Lowrank4jException("warmup ratio must be in [0, 1), got " + warmupRatio);
        if (!(testFraction > 0 && testFraction < 1)) throw new Lowrank4jException("test fraction must be in (0, 1), got " + testFraction);
    }

    private static void positive(String what, long v) {
        if (v <= 0) throw new Lowrank4jException(what + " must be positive, got " + v);
    }

    private static void notNegative(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new Lowrank4jException(what + " must be a finite number >= 0, got " + v);
    }

    /** One epoch, batch 16, 128 tokens, seed 0, everything else at the method's defaults; no output folder. */
    public static FinetuneOptions defaults(FinetuneMethod method) {
        return new FinetuneOptions(method, DEFAULT_RANK, 0, 0, 0, 1, 0, DEFAULT_BATCH, DEFAULT_EVAL_BATCH,
                DEFAULT_MAX_TOKENS, 0L, 0, DEFAULT_WARMUP_RATIO, 0.0, DEFAULT_CLIP, DEFAULT_TEST_FRACTION,
                DEFAULT_LOG_EVERY, null, null);
    }

    // ------------------------------------------------------------------ resolved values

    public double learningRate() {
        return lr > 0 ? lr : method.defaultLr();
    }

    public double resolvedAlpha() {
        if (alpha > 0) return alpha;
        return method == FinetuneMethod.LOLDU ? rank : 2.0 * rank;
    }

    public long resolvedStageLength() {
        return stageLength > 0 ? stageLength : DEFAULT_STAGE_LENGTH;
    }

    // ------------------------------------------------------------------ withers (for the CLI and tests)

    public FinetuneOptions withMethod(FinetuneMethod v) {
        return new FinetuneOptions(v, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withRank(int v) {
        return new FinetuneOptions(method, v, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withAlpha(double v) {
        return new FinetuneOptions(method, rank, v, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withStageLength(long v) {
        return new FinetuneOptions(method, rank, alpha, v, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withLr(double v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, v, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withEpochs(int v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, v, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withMaxSteps(long v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, v, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withBatchSize(int v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, v, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withEvalBatchSize(int v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, v, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withMaxTokens(int v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, v,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withSeed(long v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                v, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withTrainLimit(int v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, v, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withWarmupRatio(double v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, v, weightDecay, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withWeightDecay(double v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, v, clipNorm, testFraction, logEvery, dataDir, out);
    }

    public FinetuneOptions withLogEvery(int v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, v, dataDir, out);
    }

    public FinetuneOptions withDataDir(Path v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, v, out);
    }

    public FinetuneOptions withOut(Path v) {
        return new FinetuneOptions(method, rank, alpha, stageLength, lr, epochs, maxSteps, batchSize, evalBatchSize, maxTokens,
                seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, logEvery, dataDir, v);
    }
}
