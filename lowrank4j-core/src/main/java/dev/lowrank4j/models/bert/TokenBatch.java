package dev.lowrank4j.models.bert;

/**
 * Tokenised texts as the encoder takes them: [batch, seq] row-major ids, attention mask (1 = token,
 * 0 = padding) and token types, padded on the right to the longest text in the batch.
 */
public record TokenBatch(int batch, int seq, int[] ids, int[] attentionMask, int[] tokenTypes) {
    public TokenBatch {
        int n = batch * seq;
        if (batch < 1 || seq < 1 || ids.length != n || attentionMask.length != n || tokenTypes.length != n) {
            throw new IllegalArgumentException("token arrays must each hold batch·seq = " + n + " entries");
        }
    }

    /** Number of real (unpadded) tokens of sequence b, special tokens included. */
    public int length(int b) {
        int count = 0;
        for (int t = 0; t < seq; t++) count += attentionMask[b * seq + t];
        return count;
    }
}
