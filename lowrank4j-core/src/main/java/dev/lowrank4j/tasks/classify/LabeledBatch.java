package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.models.bert.TokenBatch;

/**
 * Padded token ids of some examples and their labels.
 *
 * @param realTokens unpadded tokens in the batch (what the model actually read)
 */
public record LabeledBatch(TokenBatch tokens, int[] labels, long realTokens) {
    public int size() {
        return labels.length;
    }
}
