package dev.lowrank4j.train;

import dev.lowrank4j.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * How data-parallel replicas agree on one gradient: called by the {@link Trainer} after each
 * backward (micro-batches accumulated) and before clipping and the optimizer step, so every
 * replica clips and steps on the same averaged gradient. One process needs nothing: {@link #NONE}.
 * An exchange may leave some gradients local when the optimizer averages a smaller image of them
 * itself (GaLore's projected gradient, see {@code GaLoreAdamW.lowRankReducer}).
 */
public interface GradientExchange {
    /**
     * Replaces the gradients of {@code trainable} by their mean over the replicas and returns the
     * mean of the replicas' losses (so every replica logs and NaN-checks the same number).
     */
    double average(List<Parameter> trainable, double loss);

    /** Extra fields for the step's metrics line (bytes sent, for example); empty by default. */
    default Map<String, Object> stepMetrics() {
        return Map.of();
    }

    /** A single process: gradients and loss stay as they are. */
    GradientExchange NONE = (trainable, loss) -> loss;
}
