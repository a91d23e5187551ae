package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.loldu.LolduInit;
import dev.lowrank4j.tasks.FinetuneMethod;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a text-classification fine-tuning run depends on besides the data. Build with
 * {@link #builder(FinetuneMethod.Kind)}: every field has a named default.
 *
 * @param method        how the encoder is tuned (its seed is replaced by one derived from {@code seed})
 * @param lr            peak learning rate
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
 * @param testFraction  share of each class held out for testing (scored once, after training)
 * @param valFraction   share of each class of the training split held out for validation: every
 *                      evaluation during training, and the choice of settings, uses it alone
 * @param logEvery      write a metrics line every this many steps
 * @param dataDir       corpus folder (null = the default cache)
 * @param out           run folder
 * @param resume        continue the run in {@code out} from its last checkpoint
 */
public record FinetuneOptions(FinetuneMethod method, double lr, int epochs, long maxSteps, int batchSize, int evalBatchSize,
                              int maxTokens, long seed, int trainLimit, double warmupRatio, double weightDecay,
                              double clipNorm, double testFraction, double valFraction, int logEvery, Path dataDir, Path out, boolean resume) {
    public static final int DEFAULT_RANK = 8;
    public static final long DEFAULT_STAGE_LENGTH = 100;
    public static final int DEFAULT_BATCH = 16;
    /** As large as the training batch, so evaluation never needs more activation memory than the ledger reports. */
    public static final int DEFAULT_EVAL_BATCH = 16;
    public static final int DEFAULT_MAX_TOKENS = 128;
    public static final double DEFAULT_WARMUP_RATIO = 0.06;
    public static final double DEFAULT_CLIP = 1.0;
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    public static final double DEFAULT_VAL_FRACTION = 0.1;
    public static final int DEFAULT_LOG_EVERY = 10;
    /** BERT's position table has 512 entries. */
    public static final int MAX_TOKENS_LIMIT = 512;
    /** PEFT's default LoRA targets for BERT. */
    public static final TargetModules DEFAULT_TARGETS = TargetModules.names(List.of("query", "value"));

    /**
     * Default learning rates for MiniLM, from a quick sweep on SpamAssassin (80 steps of batch 16 at
     * 128 tokens, cosine with 6% warmup, seed 42, three rates per method): full 5e-5/1e-4/2e-4, LoRA
     * 5e-4/1e-3/3e-3, LoLDU 1e-2/3e-2/1e-1. That sweep looked at the test split, so these are only
     * starting points: {@code finetune --sweep lr=...} chooses on the validation split (docs/FINETUNE.md).
     */
    public static double defaultLr(FinetuneMethod.Kind kind) {
        return switch (kind) {
            case FULL -> 1e-4;
            case LORA, PLORA -> 2e-3;
            case LOLDU -> 3e-2;
        };
    }

    public FinetuneOptions {
        if (method == null) throw new Lowrank4jException("a fine-tuning method is required (full, lora, plora or loldu)");
        positive("--epochs", epochs);
        positive("--batch", batchSize);
        positive("eval batch size", evalBatchSize);
        positive("log interval", logEvery);
        if (maxTokens < 2 || maxTokens > MAX_TOKENS_LIMIT) {
            throw new Lowrank4jException("--max-tokens must be in [2, " + MAX_TOKENS_LIMIT + "] ([CLS] and [SEP] included), got " + maxTokens);
        }
        if (!(lr > 0) || !Double.isFinite(lr)) throw new Lowrank4jException("--lr must be a positive number, got " + lr);
        notNegative("--steps", maxSteps);
        notNegative("--train-limit", trainLimit);
        notNegative("weight decay", weightDecay);
        notNegative("gradient clip", clipNorm);
        if (!(warmupRatio >= 0 && warmupRatio < 1)) throw new Lowrank4jException("warmup ratio must be in [0, 1), got " + warmupRatio);
        if (!(testFraction > 0 && testFraction < 1)) throw new Lowrank4jException("test fraction must be in (0, 1), got " + testFraction);
        if (!(valFraction > 0 && valFraction < 1)) throw new Lowrank4jException("validation fraction must be in (0, 1), got " + valFraction);
        if (out == null) throw new Lowrank4jException("a run folder (--out) is required");
    }

    private static void positive(String what, long v) {
        if (v <= 0) throw new Lowrank4jException(what + " must be positive, got " + v);
    }

    private static void notNegative(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new Lowrank4jException(what + " must be a finite number >= 0, got " + v);
    }

    /** Steps for this many training examples: epochs × batches per epoch, capped by maxSteps. */
    public long totalSteps(int trainExamples) {
        long steps = (long) epochs * BatchPlan.batchesPerEpoch(trainExamples, batchSize);
        return maxSteps > 0 ? Math.min(steps, maxSteps) : steps;
    }

    /** Defaults for {@code kind}: rank 8, alpha 2r (LoRA) or r (LoLDU), stage 100, query/value targets, 1 epoch. */
    public static Builder builder(FinetuneMethod.Kind kind) {
        return new Builder(kind);
    }

    public static final class Builder {
        private FinetuneMethod.Kind kind;
        private int rank = DEFAULT_RANK, epochs = 1, batchSize = DEFAULT_BATCH, evalBatchSize = DEFAULT_EVAL_BATCH;
        private int maxTokens = DEFAULT_MAX_TOKENS, trainLimit, logEvery = DEFAULT_LOG_EVERY;
        private Double alpha, lr;
        private long stageLength = DEFAULT_STAGE_LENGTH, maxSteps, seed;
        private double momentum, warmupRatio = DEFAULT_WARMUP_RATIO, weightDecay, clipNorm = DEFAULT_CLIP;
        private double testFraction = DEFAULT_TEST_FRACTION, valFraction = DEFAULT_VAL_FRACTION;
        private TargetModules targets = DEFAULT_TARGETS;
        private LolduInit lolduInit = LolduInit.LU;
        private boolean trainSigma;
        private Path dataDir, out;
        private boolean resume;
        private String quantize = "none";

        private Builder(FinetuneMethod.Kind kind) {
            this.kind = kind;
        }

        public Builder kind(FinetuneMethod.Kind v) { kind = v; return this; }
        public Builder rank(int v) { rank = v; return this; }
        public Builder alpha(double v) { alpha = v; return this; }
        public Builder stageLength(long v) { stageLength = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder targets(TargetModules v) { targets = v; return this; }
        public Builder lolduInit(LolduInit v) { lolduInit = v; return this; }
        public Builder trainSigma(boolean v) { trainSigma = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder maxSteps(long v) { maxSteps = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder evalBatchSize(int v) { evalBatchSize = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder trainLimit(int v) { trainLimit = v; return this; }
        public Builder warmupRatio(double v) { warmupRatio = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder testFraction(double v) { testFraction = v; return this; }
        public Builder valFraction(double v) { valFraction = v; return this; }
        public Builder logEvery(int v) { logEvery = v; return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder out(Path v) { out = v; return this; }
        public Builder resume(boolean v) { resume = v; return this; }
        /** QLoRA: "nf4" stores the adapted base layers in NF4 (default "none"). */
        public Builder quantize(String v) { quantize = v; return this; }

        public FinetuneOptions build() {
            FinetuneMethod m = new FinetuneMethod(kind, rank, alpha != null ? alpha : FinetuneMethod.defaultAlpha(kind, rank),
                    stageLength, momentum, targets, seed, lolduInit, trainSigma, quantize);
            return new FinetuneOptions(m, lr != null ? lr : defaultLr(kind), epochs, maxSteps, batchSize, evalBatchSize,
                    maxTokens, seed, trainLimit, warmupRatio, weightDecay, clipNorm, testFraction, valFraction, logEvery, dataDir, out,
                    resume);
        }
    }
}
