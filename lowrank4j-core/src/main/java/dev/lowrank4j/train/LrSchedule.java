package dev.lowrank4j.train;

/** Learning-rate multiplier as a pure function of the 0-based step (pure, so resume needs no state). */
@FunctionalInterface
public interface LrSchedule {
    double multiplier(long step);

    /**
     * The same warmup-plus-cosine shape restarted every {@code period} steps: PeriodicLoRA
     * re-initialises its schedule at each stage.
     */
    static LrSchedule restartingCosine(long period, double warmupFraction, double minRatio) {
        CosineSchedule stage = new CosineSchedule(Math.round(period * warmupFraction), period, minRatio);
        return step -> stage.multiplier(step % period);
    }
}
