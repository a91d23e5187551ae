package dev.lowrank4j.tasks.classify;

/**
 * One tokenised example: its word-piece ids without padding ([CLS] … [SEP], already truncated)
 * and its label. Tokenising once and padding per batch keeps the tokenizer out of the training loop.
 */
record EncodedText(int[] ids, int label) {
    int length() {
        return ids.length;
    }
}
