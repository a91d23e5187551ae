package dev.lowrank4j.train;

/**
 * The trainer's own state at a step boundary: with the model and optimizer state it is all a
 * resumed run needs to continue the same trajectory.
 *
 * @param step          optimizer steps completed
 * @param rngState      state of the data-order generator
 * @param tokensSeen    training tokens consumed
 * @param trainSeconds  wall time spent in training steps (evaluation excluded)
 * @param lastValLoss   most recent validation loss (NaN if none yet)
 * @param recentLosses  training losses of the last steps (at most {@link #RECENT}), oldest first
 */
public record TrainerState(long step, long rngState, long tokensSeen, double trainSeconds, double lastValLoss,
                           double[] recentLosses) {
    /** How many recent step losses {@code train_loss} averages. */
    public static final int RECENT = 20;
}
