package dev.lowrank4j.data;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Rng;

import java.util.Arrays;

/**
 * A token stream split, in order, into a training part (the head), a held-out validation part and
 * optionally a held-out test part (the tail), so neither held-out text is ever seen in training.
 * Training batches are random windows; validation and test use fixed, non-overlapping windows so
 * every evaluation measures the same tokens. Pretraining uses train/validation; fine-tuning adds the
 * test part, which is scored once at the end while every choice is made on validation.
 */
public final class TokenDataset {
    private final int[] train;
    private final int[] val;
    private final int[] test;

    public record Batch(int[] inputs, int[] targets, int batch, int seq) {}

    /** Train and validation only. */
    public TokenDataset(int[] tokens, double valFraction, int seq) {
        this(tokens, valFraction, 0, seq);
    }

    /** Train, validation and (when {@code testFraction > 0}) test, in that order along the text. */
    public TokenDataset(int[] tokens, double valFraction, double testFraction, int seq) {
        if (seq < 1) throw new Lowrank4jException("sequence length must be >= 1, got " + seq);
        // A negative fraction made the split indices run past the corpus (IllegalArgumentException from
        // Arrays.copyOfRange; a fuzzer finding). The jobs pass constants, but the constructor is public.
        if (!(valFraction >= 0 && testFraction >= 0 && valFraction + testFraction < 1)) {
            throw new Lowrank4jException("validation and test fractions must be >= 0 and sum to less than 1, got "
                    + valFraction + " and " + testFraction);
        }
        int valLen = (int) Math.round(tokens.length * valFraction);
        int testLen = (int) Math.round(tokens.length * testFraction);
        int trainLen = tokens.length - valLen - testLen;
        // each split needs at least one full window of seq inputs plus the next-token target
        // "<= seq", not "< seq + 1": seq = Integer.MAX_VALUE made seq + 1 negative, the check passed and the
        // batch arrays asked for 2^31 ints (OutOfMemoryError; a fuzzer finding)
        if (trainLen <= seq || valLen <= seq || (testFraction > 0 && testLen <= seq)) {
            throw new Lowrank4jException("corpus too small: " + tokens.length + " tokens cannot give train, validation"
                    + (testFraction > 0 ? " and test" : "") + " windows of " + ((long) seq + 1) + " tokens (validation fraction "
                    + valFraction + (testFraction > 0 ? ", test fraction " + testFraction : "")
                    + "); use a longer corpus or a smaller --seq");
        }
        this.train = Arrays.copyOfRange(tokens, 0, trainLen);
        this.val = Arrays.copyOfRange(tokens, trainLen, trainLen + valLen);
        this.test = Arrays.copyOfRange(tokens, trainLen + valLen, tokens.length);
    }

    public int trainTokens() {
        return train.length;
    }

    public int valTokens() {
        return val.length;
    }

    public int testTokens() {
        return test.length;
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
        return tiled(val, index, batch, seq);
    }

    /** Number of whole test windows available (0 without a test part). */
    public int testWindows(int seq) {
        return test.length == 0 ? 0 : (test.length - 1) / seq;
    }

    /** Test batch number {@code index} of the test part's fixed tiling. */
    public Batch testBatch(int index, int batch, int seq) {
        if (test.length == 0) throw new IllegalStateException("this data set has no test part");
        return tiled(test, index, batch, seq);
    }

    private static Batch tiled(int[] part, int index, int batch, int seq) {
        int windows = (part.length - 1) / seq;
        int[] in = new int[batch * seq], tg = new int[batch * seq];
        for (int b = 0; b < batch; b++) {
            int w = (index * batch + b) % windows;
            System.arraycopy(part, w * seq, in, b * seq, seq);
            System.arraycopy(part, w * seq + 1, tg, b * seq, seq);
        }
        return new Batch(in, tg, batch, seq);
    }
}
