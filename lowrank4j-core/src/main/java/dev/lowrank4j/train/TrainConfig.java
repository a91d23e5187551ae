package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;

/**
 * Everything that shapes a training trajectory besides the model. Saved with each run so that
 * {@code --resume} continues with exactly the same settings.
 *
 * @param steps         optimizer steps in total
 * @param batch         sequences per micro-batch
 * @param seq           tokens per sequence
 * @param accum         micro-batches accumulated into one optimizer step
 * @param lr            peak learning rate
 * @param minLrRatio    cosine floor as a fraction of lr (0.1 in the GaLore scripts)
 * @param warmup        linear warmup steps
 * @param clip          global gradient-norm clip (0 = off)
 * @param evalEvery     validate every this many steps (and at the end)
 * @param evalBatches   validation batches per evaluation
 * @param checkpointEvery write a checkpoint every this many steps (and at the end)
 * @param keepCheckpoints how many checkpoints to keep on disk
 * @param logEvery      append a metrics line every this many steps
 * @param seed          seeds model init and data order
 */
public record TrainConfig(int steps, int batch, int seq, int accum, double lr, double minLrRatio, int warmup,
                          double weightDecay, double beta1, double beta2, double eps, double clip,
                          int evalEvery, int evalBatches, int checkpointEvery, int keepCheckpoints,
                          int logEvery, long seed) {
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

    public TrainConfig withSteps(int newSteps) {
        return new TrainConfig(newSteps, batch, seq, accum, lr, minLrRatio, Math.min(warmup, newSteps), weightDecay,
                beta1, beta2, eps, clip, evalEvery, evalBatches, checkpointEvery, keepCheckpoints, logEvery, seed);
    }
}
