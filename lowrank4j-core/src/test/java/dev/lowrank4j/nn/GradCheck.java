package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Finite-difference checks by directional derivatives. Perturbing one float at a time is both slow
 * and, in float32, noisy; instead the loss is differentiated along a few random directions u:
 * <pre>
 *   numeric  = Richardson-extrapolated central difference of L along u   (L summed in double)
 *   analytic = Σ g ⊙ u
 * </pre>
 * and the two must agree to {@link #RELATIVE_TOLERANCE}, relative to the larger of the two and of
 * ‖g‖·rms(u) (the typical size of Σ g ⊙ u). Directions are scaled to the tensor's RMS, so
 * {@link #STEP} = 1e-2 is a 1% perturbation of any tensor. The remaining truncation error is
 * O(h⁴) and the float32 noise of the forward pass stays below 2e-4 (measured on the attention and
 * whole-model tests, the worst cases), a margin of 10 under the tolerance, while a wrong gradient (1% too large, a sign, a transposition, one wrong element of a
 * tensor with ~100 values) is off by 1e-2 or more. {@code GradCheckSelfTest} confirms that
 * deliberately broken gradients fail.
 */
public final class GradCheck {
    public static final double STEP = 1e-2;
    public static final double RELATIVE_TOLERANCE = 2e-3;
    /** Below this magnitude a directional derivative is treated as zero and compared absolutely. */
    public static final double ABSOLUTE_FLOOR = 1e-5;
    public static final int DIRECTIONS = 3;

    /** The scalar being differentiated, recomputed from the current contents of the arrays. */
    @FunctionalInterface
    public interface Loss {
        double evaluate();
    }

    private GradCheck() {}

    /** Worst relative disagreement over {@link #DIRECTIONS} random directions (x is restored). */
    public static double worstError(Loss loss, float[] x, float[] analyticGrad, long seed) {
        return worstError(loss, x, analyticGrad, seed, STEP);
    }

    static double worstError(Loss loss, float[] x, float[] analyticGrad, long seed, double step) {
        SplittableRandom rng = new SplittableRandom(seed);
        // Directions have the tensor's own RMS, so the step is relative: 1e-2 of a 0.02-scale weight
        // and of a 1-scale norm weight perturb both by about 1%.
        double scale = Math.max(rms(x), 1e-3);
        double worst = 0;
        for (int d = 0; d < DIRECTIONS; d++) {
            float[] u = new float[x.length];
            for (int i = 0; i < u.length; i++) u[i] = (float) (scale * gaussian(rng));
            double analytic = 0;
            for (int i = 0; i < x.length; i++) analytic += (double) analyticGrad[i] * u[i];
            double numeric = numericDirectional(loss, x, u, step);
            // Σ g·u over a random u has standard deviation ‖g‖·scale; a direction that happens to
            // be nearly orthogonal to g must not turn float noise into a large relative error.
            double typical = norm(analyticGrad) * scale;
            double denominator = Math.max(ABSOLUTE_FLOOR, Math.max(typical, Math.max(Math.abs(numeric), Math.abs(analytic))));
            worst = Math.max(worst, Math.abs(numeric - analytic) / denominator);
        }
        return worst;
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float v : a) s += (double) v * v;
        return Math.sqrt(s);
    }

    private static double rms(float[] a) {
        return a.length == 0 ? 0 : norm(a) / Math.sqrt(a.length);
    }

    /** Fails the test when the analytic gradient disagrees with finite differences. */
    public static void assertMatches(String label, Loss loss, float[] x, float[] analyticGrad, long seed) {
        double err = worstError(loss, x, analyticGrad.clone(), seed);
        if (!(err <= RELATIVE_TOLERANCE)) {
            throw new AssertionError(label + ": directional derivative relative error " + err
                    + " > " + RELATIVE_TOLERANCE);
        }
    }

    /**
     * Central difference with one Richardson step: D(h) = (L(x+h·u) − L(x−h·u)) / 2h has error
     * c·h² + O(h⁴), so (4·D(h/2) − D(h)) / 3 cancels the h² term. Attention scores are quadratic in
     * the q/k weights and the plain central difference at h = 1e-2 is off by ~1e-2 there; the
     * extrapolated value is off by ~1e-6 while keeping the step large enough for float32.
     */
    static double numericDirectional(Loss loss, float[] x, float[] u, double step) {
        return (4 * centralDifference(loss, x, u, step / 2) - centralDifference(loss, x, u, step)) / 3;
    }

    /** (L(x + h·u) − L(x − h·u)) / (2h); x is restored afterwards. */
    private static double centralDifference(Loss loss, float[] x, float[] u, double step) {
        float[] saved = x.clone();
        for (int i = 0; i < x.length; i++) x[i] = (float) (saved[i] + step * u[i]);
        double plus = loss.evaluate();
        for (int i = 0; i < x.length; i++) x[i] = (float) (saved[i] - step * u[i]);
        double minus = loss.evaluate();
        System.arraycopy(saved, 0, x, 0, x.length);
        return (plus - minus) / (2 * step);
    }

    /** Σ weights ⊙ y in double: a linear probe whose gradient with respect to y is {@code weights}. */
    public static double probe(Tensor y, float[] weights) {
        double s = 0;
        for (int i = 0; i < weights.length; i++) s += (double) weights[i] * y.data[i];
        return s;
    }

    public static float[] randomArray(SplittableRandom rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (scale * gaussian(rng));
        return a;
    }

    public static Tensor randomTensor(SplittableRandom rng, double scale, int... shape) {
        return new Tensor(randomArray(rng, (int) Tensor.numel(shape), scale), shape);
    }

    public static void fillRandom(Parameter p, SplittableRandom rng, double mean, double scale) {
        float[] d = p.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + scale * gaussian(rng));
    }

    public static double gaussian(SplittableRandom rng) {
        double u1 = Math.max(rng.nextDouble(), 1e-300), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
