package dev.lowrank4j.optim;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.Collection;
import java.util.Map;

/**
 * An optimizer over named parameters. Its whole state round-trips through {@link #state()} /
 * {@link #loadState} so that a resumed run continues bit for bit. State is kept per parameter
 * object and sized on first use, so a parameter that changes shape between steps (a rank-adaptive
 * factor) gets fresh state of the new size instead of corrupted state.
 */
public interface Optimizer {
    /**
     * Recomputes the loss and every gradient at the current weights, on the batch of the step in
     * progress (gradients are zeroed first); returns the loss. What torch's {@code step(closure)}
     * receives.
     */
    @FunctionalInterface
    interface Closure {
        double reevaluate();

        /**
         * Whether one call runs exactly one forward and one backward whose gradients are used as
         * computed (no micro-batches summed, no averaging across replicas). Only then may an
         * optimizer consume a layer's gradient inside the backward, as LoQT's layer-by-layer merge
         * does; a plain lambda says no.
         */
        default boolean singleBackward() {
            return false;
        }

        /** A closure that runs one forward and backward and uses its gradients as they are. */
        static Closure singleBackward(java.util.function.DoubleSupplier pass) {
            return new Closure() {
                @Override
                public double reevaluate() {
                    return pass.getAsDouble();
                }

                @Override
                public boolean singleBackward() {
                    return true;
                }
            };
        }
    }

    /** Applies one update with the given learning rate, reading each parameter's gradient. */
    void step(double lr);

    /**
     * One update that may need a fresh loss and gradient part-way (DLRT's S-step after its basis
     * change calls {@code closure}). Optimizers that need only the current gradients ignore it.
     */
    default void step(double lr, Closure closure) {
        step(lr);
    }

    /** Number of updates applied so far. */
    long steps();

    /**
     * Forgets what was learned about these parameters (moments and per-parameter step counts go to
     * zero, as for a parameter never seen): PeriodicLoRA restarts a re-initialised adapter this way.
     * Other parameters keep their state.
     */
    void resetState(Collection<Parameter> parameters);

    /** Every state tensor under a stable name (live views: save before the next step). */
    Map<String, Tensor> state();

    void loadState(Map<String, Tensor> state, long steps);

    /** What the optimizer holds in memory, each tensor booked under its own category. */
    Collection<? extends Accounted> memory();
}
