package dev.lowrank4j.train;

import java.util.Map;

/**
 * The trainer's own state at a step boundary: with the model and optimizer state it is all a
 * resumed run needs to continue the same trajectory.
 *
 * @param step          optimizer steps completed
 * @param dataPosition  where the training stream stands ({@link BatchStream#position()})
 * @param unitsSeen     training tokens (or examples) consumed
 * @param trainSeconds  wall time spent in training steps (evaluation excluded)
 * @param lastMetrics   the most recent evaluation ({@link Metrics#NONE} if none yet)
 * @param recentLosses  training losses of the last steps (at most {@link #RECENT}), oldest first
 * @param peakActivationBytes the largest activation footprint of a step so far
 */
public record TrainerState(long step, Map<String, Long> dataPosition, long unitsSeen, double trainSeconds,
                           Metrics lastMetrics, double[] recentLosses, long peakActivationBytes) {
    /** How many recent step losses {@code train_loss} averages. */
    public static final int RECENT = 20;
}
