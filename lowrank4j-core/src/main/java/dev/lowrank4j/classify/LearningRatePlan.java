package dev.lowrank4j.classify;

import dev.lowrank4j.train.CosineSchedule;

/**
 * Learning-rate multipliers for a run of {@code total} steps: linear warmup over
 * {@code warmupRatio} of the steps, then cosine decay to 0 (transformers' cosine schedule).
 * For PeriodicLoRA the schedule restarts with every stage, as {@code PeriodicLora.afterStep} asks:
 * each stage warms up and decays over its own length, the last (possibly shorter) stage over what
 * is left, so every stage's fresh adapter is trained with a full schedule.
 */
record LearningRatePlan(long total, double warmupRatio) {
    LearningRatePlan {
        if (total < 1) throw new IllegalArgumentException("a run needs at least one step");
    }

    /** Multiplier for 0-based step {@code step} of a schedule that (re)started after {@code origin} steps. */
    double multiplier(long step, long origin, long stageLength) {
        long length = Math.min(stageLength, total - origin);
        long warmup = Math.round(warmupRatio * length);
        return new CosineSchedule(warmup, length, 0.0).multiplier(step - origin);
    }

    /** The single-stage case: one schedule over the whole run. */
    double multiplier(long step) {
        return multiplier(step, 0, total);
    }
}
