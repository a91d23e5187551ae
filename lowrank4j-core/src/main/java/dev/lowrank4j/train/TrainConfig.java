package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;

/**
 * Everything that shapes a training trajectory besides the model and the method. Saved with each
 * run so that {@code --resume} continues with exactly the same settings. Build one with
 * {@link #builder()} (every field has a named default) and change one with {@link #toBuilder()}.
 *
 * @param steps           optimizer steps in total
 * @param batch           examples (sequences) per micro-batch
 * @param seq             tokens per sequence (language models; classifiers pad per batch instead)
 * @param accum           micro-batches accumulated into one optimizer step
 * @param lr              peak learning rate
 * @param minLrRatio      cosine floor as a fraction of lr (0.1 in the GaLore scripts)
 * @param warmup          linear warmup steps
 * @param weightDecay     decoupled weight decay
 * @param beta1           Adam β1
 * @param beta2           Adam β2
 * @param eps             Adam ε
 * @param clip            global gradient-norm clip (0 = off)
 * @param evalEvery       evaluate every this many steps (and at the end)
 * @param evalBatches     held-out batches per evaluation (language models)
 * @param checkpointEvery write a checkpoint every this many steps (and at the end)
 * @param keepCheckpoints how many checkpoints to keep on disk
 * @param logEvery        append a metrics line every this many steps
 * @param seed            seeds model init and data order
 */
public record TrainConfig(int steps, int batch, int seq, int accum, double lr, double minLrRatio, int warmup,
                          double weightDecay, double beta1, double beta2, double eps, double clip,
                          int evalEvery, int evalBatches, int checkpointEvery, int keepCheckpoints,
                          int logEvery, long seed) {
    public static final int DEFAULT_STEPS = 2000, DEFAULT_BATCH = 16, DEFAULT_SEQ = 128, DEFAULT_EVAL_BATCHES = 8;
    public static final double DEFAULT_LR = 3e-3, DEFAULT_MIN_LR_RATIO = 0.1, DEFAULT_CLIP = 1.0;
    public static final double DEFAULT_BETA1 = 0.9, DEFAULT_BETA2 = 0.999, DEFAULT_EPS = 1e-8;
    public static final int DEFAULT_KEEP_CHECKPOINTS = 2;
    public static final long DEFAULT_SEED = 42;

    public TrainConfig {
        require(steps >= 1, "--steps must be >= 1, got " + steps);
        require(batch >= 1, "--batch must be >= 1, got " + batch);
        require(seq >= 2, "--seq must be >= 2, got " + seq);
        require(accum >= 1, "--accum must be >= 1, got " + accum);
        require(lr > 0 && Double.isFinite(lr), "--lr must be a positive number, got " + lr);
        require(minLrRatio >= 0 && minLrRatio <= 1, "min lr ratio must be in [0, 1], got " + minLrRatio);
        require(warmup >= 0 && warmup <= steps, "--warmup must be in [0, steps], got " + warmup);
        require(weightDecay >= 0, "--weight-decay must be >= 0, got " + weightDecay);
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam betas must be in [0, 1)");
        require(eps > 0, "Adam eps must be > 0");
        require(clip >= 0, "--clip must be >= 0 (0 disables clipping), got " + clip);
        require(evalEvery >= 1, "--eval-every must be >= 1, got " + evalEvery);
        require(evalBatches >= 1, "--eval-batches must be >= 1, got " + evalBatches);
        require(checkpointEvery >= 1, "--checkpoint-every must be >= 1, got " + checkpointEvery);
        require(keepCheckpoints >= 1, "keep-checkpoints must be >= 1");
        require(logEvery >= 1, "--log-every must be >= 1, got " + logEvery);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new Lowrank4jException(message);
    }

    public long tokensPerStep() {
        return (long) batch * seq * accum;
    }

    /** Default settings; the cadences (warmup, eval, checkpoint, log) follow {@code steps} unless set. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.steps = steps; b.batch = batch; b.seq = seq; b.accum = accum; b.lr = lr; b.minLrRatio = minLrRatio;
        b.warmup = warmup; b.weightDecay = weightDecay; b.beta1 = beta1; b.beta2 = beta2; b.eps = eps; b.clip = clip;
        b.evalEvery = evalEvery; b.evalBatches = evalBatches; b.checkpointEvery = checkpointEvery;
        b.keepCheckpoints = keepCheckpoints; b.logEvery = logEvery; b.seed = seed;
        return b;
    }

    /** The same run with another step count; the warmup shrinks with it if it no longer fits. */
    public TrainConfig withSteps(int newSteps) {
        return toBuilder().steps(newSteps).warmup(Math.min(warmup, newSteps)).build();
    }

    /**
     * Named settings with defaults. Warmup (10% of the steps), evaluation (every steps/8),
     * checkpoints (every steps/4) and logging (every steps/40) scale with {@code steps} unless set.
     */
    public static final class Builder {
        private int steps = DEFAULT_STEPS, batch = DEFAULT_BATCH, seq = DEFAULT_SEQ, accum = 1;
        private double lr = DEFAULT_LR, minLrRatio = DEFAULT_MIN_LR_RATIO, weightDecay = 0;
        private double beta1 = DEFAULT_BETA1, beta2 = DEFAULT_BETA2, eps = DEFAULT_EPS, clip = DEFAULT_CLIP;
        private Integer warmup, evalEvery, checkpointEvery, logEvery;
        private int evalBatches = DEFAULT_EVAL_BATCHES, keepCheckpoints = DEFAULT_KEEP_CHECKPOINTS;
        private long seed = DEFAULT_SEED;

        private Builder() {}

        public Builder steps(int v) { steps = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder seq(int v) { seq = v; return this; }
        public Builder accum(int v) { accum = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder minLrRatio(double v) { minLrRatio = v; return this; }
        public Builder warmup(int v) { warmup = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        public Builder eps(double v) { eps = v; return this; }
        public Builder clip(double v) { clip = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder evalBatches(int v) { evalBatches = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder keepCheckpoints(int v) { keepCheckpoints = v; return this; }
        public Builder logEvery(int v) { logEvery = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public TrainConfig build() {
            int w = warmup != null ? warmup : Math.max(0, steps / 10);
            return new TrainConfig(steps, batch, seq, accum, lr, minLrRatio, w, weightDecay, beta1, beta2, eps, clip,
                    evalEvery != null ? evalEvery : Math.max(1, steps / 8), evalBatches,
                    checkpointEvery != null ? checkpointEvery : Math.max(1, steps / 4), keepCheckpoints,
                    logEvery != null ? logEvery : Math.max(1, steps / 40), seed);
        }
    }
}
