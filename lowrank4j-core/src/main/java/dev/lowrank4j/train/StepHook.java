package dev.lowrank4j.train;

import dev.lowrank4j.optim.Optimizer;

import java.util.Map;

/**
 * A method's own work at step boundaries (PeriodicLoRA's unloading, for example). State a hook
 * keeps must be derivable from the step and the model so that a resumed run rebuilds it in
 * {@link #onResume}.
 */
public interface StepHook {
    /** Called after optimizer step {@code step} (counted from 1) has been applied. */
    void afterStep(long step, Optimizer optimizer);

    /** Called once when a run resumes from a checkpoint taken after {@code step} steps. */
    default void onResume(long step) {}

    /**
     * What the hook measured after step {@code step} (called right after {@link #afterStep}); the
     * trainer writes a non-empty map into metrics.jsonl as one record with that step, so a resumed
     * run drops it with the rest of the lines past its checkpoint.
     */
    default Map<String, Object> metrics(long step) {
        return Map.of();
    }
}
