package dev.lowrank4j.tensor;

/**
 * What a block of memory is for. Every tensor carries one, and the memory ledger sums bytes by
 * category, so every method reports its memory the same way and a new kind of storage is counted
 * correctly without the ledger knowing about it.
 */
public enum MemoryCategory {
    /** Float weights (trainable or frozen). */
    WEIGHTS("weights"),
    /** Packed low-bit weights and their scales (NF4, INT-b grids). */
    QUANTIZED_WEIGHTS("quantized_weights"),
    GRADIENTS("gradients"),
    /** Moments and counters of an optimizer (Adam's m and v). */
    OPTIMIZER_STATES("optimizer_states"),
    /**
     * What a forward pass keeps for backward, and the buffers backward writes the gradients of
     * activations into (the logits' gradient, each layer's input gradients): a step's peak.
     */
    ACTIVATIONS("activations"),
    /** Other long-lived state of a method, e.g. GaLore's projection matrices. */
    BUFFERS("buffers");

    public final String key;

    MemoryCategory(String key) {
        this.key = key;
    }
}
