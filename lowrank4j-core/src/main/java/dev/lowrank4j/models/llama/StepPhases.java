package dev.lowrank4j.models.llama;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time of a training step by part of the model, summed over the steps it watched: what
 * {@code bench step} breaks a step into. A model only reads the clock while one is attached
 * ({@link LlamaModel#timePhases}); the clock reads cost tens of nanoseconds per module call.
 */
public final class StepPhases {
    /** The parts, in the order they are reported. */
    public enum Phase {
        EMBEDDING("embedding"), NORMS("norms"), ATTENTION("attention"), MLP("mlp"), RESIDUALS("residuals"),
        HEAD_AND_LOSS("head_and_loss"), OPTIMIZER("optimizer");

        /** The JSON key. */
        public final String key;

        Phase(String key) {
            this.key = key;
        }
    }

    private final long[] nanos = new long[Phase.values().length];

    /** A clock reading for {@link #lap(StepPhases, Phase, long)}, or 0 without a clock (no read). */
    static long start(StepPhases phases) {
        return phases == null ? 0 : System.nanoTime();
    }

    /** {@code phases.lap(phase, since)}, or nothing (0) when no clock is attached. */
    static long lap(StepPhases phases, Phase phase, long since) {
        return phases == null ? 0 : phases.lap(phase, since);
    }

    /** Adds the time since {@code since} (a {@link System#nanoTime} reading) to {@code phase}; returns now. */
    public long lap(Phase phase, long since) {
        long now = System.nanoTime();
        nanos[phase.ordinal()] += now - since;
        return now;
    }

    public void add(Phase phase, long nanoseconds) {
        nanos[phase.ordinal()] += nanoseconds;
    }

    public long nanos(Phase phase) {
        return nanos[phase.ordinal()];
    }

    /** Everything the model's forward and backward spent (all phases but the optimizer's). */
    public long modelNanos() {
        long sum = 0;
        for (Phase p : Phase.values()) if (p != Phase.OPTIMIZER) sum += nanos[p.ordinal()];
        return sum;
    }

    public long totalNanos() {
        return modelNanos() + nanos(Phase.OPTIMIZER);
    }

    /** Milliseconds per step of each phase, by JSON key, over {@code steps} watched steps. */
    public Map<String, Double> msPerStep(int steps) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Phase p : Phase.values()) out.put(p.key, nanos[p.ordinal()] / 1e6 / steps);
        return out;
    }
}
