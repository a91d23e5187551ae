package dev.lowrank4j.tensor;

/** What a block of memory is for; every method reports its bytes under these names. */
public enum MemoryCategory {
    WEIGHTS("weights"),
    QUANTIZED_WEIGHTS("quantized_weights"),
    GRADIENTS("gradients"),
    OPTIMIZER_STATES("optimizer_states"),
    ACTIVATIONS("activations");

    public final String key;

    MemoryCategory(String key) {
        this.key = key;
    }
}
