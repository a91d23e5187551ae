package dev.lowrank4j.train;

import java.nio.file.Path;

/** Callbacks at step boundaries, for progress display (the library itself prints nothing). */
public interface TrainListener {
    record StepStats(long step, long totalSteps, double loss, double lr, double gradNorm,
                     double tokensPerSecond, double elapsedSeconds) {}

    default void onStart(long startStep, long totalSteps, MemoryLedger ledger) {}

    default void onStep(StepStats stats) {}

    default void onEval(long step, double valLoss) {}

    default void onCheckpoint(long step, Path dir) {}

    TrainListener NONE = new TrainListener() {};
}
