package dev.lowrank4j.data;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Rng;

import java.util.Arrays;

/**
 * A token stream split into a training part (the head) and a held-out validation part (the
 * tail), so validation text is never seen in training. Training batches are random windows;
 * validation uses fixed, non-overlapping windows so every evaluation measures the same tokens.
 */
public final class TokenDataset {
    private final int[] train;
    private final int[] val;

    public record Batch(int[] inputs, int[] targets, int batch, int seq) {}

    public TokenDataset(int[] tokens, double valFraction, int seq) {
        if (seq < 1) throw new Lowrank4jException("sequence length must be >= 1, got " + seq);
        int valLen = (int) Math.round(tokens.length * valFraction);
        int trainLen = tokens.length - valLen;
        // each split needs at least one full window of seq inputs plus the next-token target
        if (trainLen < seq + 1 || valLen < seq + 1) {
            throw new Lowrank4jException("corpus too small: " + tokens.length + " tokens cannot give train and"
                    + " validation windows of " + (seq + 1) + " tokens (validation fraction " + valFraction
                    + "); use a longer corpus or a smaller --seq");
        }
        this.train = Arrays.copyOfRange(tokens, 0, trainLen);
        this.val = Arrays.copyOfRange(tokens, trainLen, tokens.length);
    }

    public int trainTokens() {
        return train.length;
    }

    public int valTokens() {
        return val.length;
    }

    /** A batch of random training windows drawn with the given generator. */
    public Batch sampleTrain(Rng rng, int batch, int seq) {
        int[] in = new int[batch * seq], tg = new int[batch * seq];
        int maxStart = train.length - seq - 1;
        for (int b = 0; b < batch; b++) {
            int s = rng.nextInt(maxStart + 1);
            System.arraycopy(train, s, in, b * seq, seq);
            System.arraycopy(train, s + 1, tg, b * seq, seq);
        }
        return new Batch(in, tg, batch, seq);
    }

    /** Number of whole validation windows available. */
    public int valWindows(int seq) {
        return (val.length - 1) / seq;
    }

    /** Validation batch number {@code index}: windows index·batch … of the fixed tiling. */
    public Batch valBatch(int index, int batch, int seq) {
        int windows = valWindows(seq);
        int[] in = new int[batch * seq], tg = new int[batch * seq];
        for (int b = 0; b < batch; b++) {
            int w = (index * batch + b) % windows;
            System.arraycopy(val, w * seq, in, b * seq, seq);
            System.arraycopy(val, w * seq + 1, tg, b * seq, seq);
        }
        return new Batch(in, tg, batch, seq);
    }
}
