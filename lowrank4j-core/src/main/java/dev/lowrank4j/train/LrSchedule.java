package dev.lowrank4j.train;

/** Learning-rate multiplier as a pure function of the 0-based step (pure, so resume needs no state). */
@FunctionalInterface
public interface LrSchedule {
    double multiplier(long step);

    /**
     * Warmup-plus-cosine restarted every {@code period} steps, as PeriodicLoRA restarts its
     * schedule with every stage: each stage warms up over {@code warmupFraction} of its length and
     * decays to {@code minRatio}, the last (possibly shorter) stage over what is left of
     * {@code total}, so every stage's fresh adapter gets a whole schedule.
     */
    static LrSchedule restartingCosine(long total, long period, double warmupFraction, double minRatio) {
        if (period < 1) throw new IllegalArgumentException("period must be >= 1, got " + period);
        return step -> {
            long origin = step / period * period;
            long length = Math.min(period, total - origin);
            if (length < 1) length = period; // past the planned end: keep the full-stage shape
            return new CosineSchedule(Math.round(warmupFraction * length), length, minRatio).multiplier(step - origin);
        };
    }
}
