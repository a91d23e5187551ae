package dev.lowrank4j.train;

import dev.lowrank4j.util.PhaseListener;

import java.nio.file.Path;

/** Callbacks at step boundaries, for progress display (the library itself prints nothing). */
public interface TrainListener {
    /**
     * @param unitsPerSecond training tokens (or examples, see {@link TrainingData#unit()}) per second
     */
    record StepStats(long step, long totalSteps, double loss, double lr, double gradNorm,
                     double unitsPerSecond, String unit, double elapsedSeconds) {}

    /** Before the first step; a fresh run's ledger has no activations yet (nothing has run forward). */
    default void onStart(long startStep, long totalSteps, MemoryLedger ledger) {}

    /** Once, after a fresh run's first step: the ledger with the activations that step kept for backward. */
    default void onMemoryMeasured(MemoryLedger ledger) {}

    default void onStep(StepStats stats) {}

    default void onEval(long step, Metrics metrics) {}

    default void onCheckpoint(long step, Path dir) {}

    /**
     * Where a job reports the phases around training (loading and tokenizing before the first step,
     * scoring the test split and exporting after the last). Asked for when each phase begins, so a
     * display can first close what the steps drew.
     */
    default PhaseListener phases() {
        return PhaseListener.SILENT;
    }

    TrainListener NONE = new TrainListener() {};
}
