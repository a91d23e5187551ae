package dev.lowrank4j.models.bert;

import dev.lowrank4j.Lowrank4jException;

/**
 * A validated attention mask for a [batch, seq] block: 1 for a real token, 0 for padding. Besides the
 * mask it records, per sequence, one past the last real token ({@link #keyEnd}), so attention can skip
 * trailing padding entirely and only test the mask inside that prefix.
 */
final class PaddingMask {
    final int batch;
    final int seq;
    final int[] mask;
    final int[] keyEnd;
    final int[] count;

    private PaddingMask(int batch, int seq, int[] mask, int[] keyEnd, int[] count) {
        this.batch = batch;
        this.seq = seq;
        this.mask = mask;
        this.keyEnd = keyEnd;
        this.count = count;
    }

    /** Checks and copies {@code attentionMask}; null means every token is real. */
    static PaddingMask of(int[] attentionMask, int batch, int seq) {
        int n = batch * seq;
        int[] mask = new int[n];
        if (attentionMask == null) {
            java.util.Arrays.fill(mask, 1);
        } else {
            if (attentionMask.length != n) {
                throw new Lowrank4jException("attention mask has " + attentionMask.length + " entries, expected batch·seq = " + n);
            }
            System.arraycopy(attentionMask, 0, mask, 0, n);
        }
        int[] keyEnd = new int[batch], count = new int[batch];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                int m = mask[b * seq + t];
                if (m != 0 && m != 1) throw new Lowrank4jException("attention mask values must be 0 or 1, got " + m);
                if (m == 1) {
                    keyEnd[b] = t + 1;
                    count[b]++;
                }
            }
            // HF would attend uniformly to padding here; a sequence of nothing but padding is a caller bug.
            if (count[b] == 0) throw new Lowrank4jException("sequence " + b + " of the batch has no unmasked token");
        }
        return new PaddingMask(batch, seq, mask, keyEnd, count);
    }

    boolean attends(int b, int t) {
        return mask[b * seq + t] == 1;
    }
}
