package dev.lowrank4j.optim;

import dev.lowrank4j.tensor.Tensor;

import java.util.Map;

/**
 * An optimizer over named parameters. Its whole state must round-trip through
 * {@link #state()} / {@link #loadState} so that a resumed run continues bit for bit.
 */
public interface Optimizer {
    /** Applies one update with the given learning rate, reading each parameter's gradient. */
    void step(double lr);

    /** Number of updates applied so far. */
    long steps();

    /** Every state tensor under a stable name, plus the step counter in {@link #steps()}. */
    Map<String, Tensor> state();

    void loadState(Map<String, Tensor> state, long steps);

    /** Bytes held as optimizer state (for the memory ledger). */
    long stateBytes();
}
