package dev.lowrank4j.optim;

/**
 * The element-wise rule ρ that turns a (projected) gradient into an update direction:
 * {@link AdamRule#direction} in production; tests plug in plain SGD to check GaLore's identities.
 * Package-private on purpose: it is a seam, not a feature.
 */
@FunctionalInterface
interface ProjectedRule {
    /**
     * Counts one more update of {@code state}, writes the direction for {@code grad} into
     * {@code out}, and returns the step size that multiplies it.
     */
    double direction(float[] grad, AdamState state, float[] out, double lr);
}
