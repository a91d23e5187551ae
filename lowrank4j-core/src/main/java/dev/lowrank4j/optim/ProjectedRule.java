package dev.lowrank4j.optim;

import java.util.Map;

/**
 * The element-wise rule ρ that turns a (projected) gradient into an update direction. Adam in
 * production; tests plug in plain SGD to check GaLore's identities. Package-private on purpose:
 * it is a seam, not a feature.
 */
interface ProjectedRule {
    /**
     * Writes the direction for {@code grad} into {@code out} and returns the step size that
     * multiplies it (the optimizer subtracts stepSize·direction).
     *
     * @param step 1-based count of updates of this parameter, this one included
     */
    double direction(float[] grad, float[] out, long step, double lr);

    /** State arrays by key ("exp_avg", …), live, each of the gradient's size. */
    Map<String, float[]> buffers();

    /** Makes a rule for gradients of {@code size} elements. */
    @FunctionalInterface
    interface Factory {
        ProjectedRule create(int size);
    }
}
