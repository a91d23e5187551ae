package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;

/**
 * How Fira treats the gradient residual outside GaLore's subspace (xichen-fy/Fira
 * {@code fira_adamw.py}; ALGORITHMS §3).
 *
 * @param form    {@link Form#CODE} (default, what produced the paper's numbers) or {@link Form#PAPER}
 * @param scaling one factor per column/row over the non-projected dimension (default) or one per matrix
 * @param limiter whether the norm-growth limiter is on
 * @param gamma   the limiter's allowed growth per step (1.01, hard-coded in the reference)
 */
public record FiraOptions(Form form, Scaling scaling, boolean limiter, double gamma) {
    public static final double DEFAULT_GAMMA = 1.01;

    public enum Form {
        /** S = (G − α·P·R)⊙φ, update = α·P·N + S, N not bias-corrected (bias correction in the step size). */
        CODE,
        /** Paper Algorithm 1: S = (G − P·R)⊙φ, update = α·(P·N̂ + S) with the bias-corrected N̂ and step size lr. */
        PAPER
    }

    public enum Scaling {
        /** φ per column of W for a left projection, per row for a right one ("Fira"). */
        COLUMN,
        /** One φ = ‖N‖_F/‖R‖_F per matrix ("Fira-matrix" ablation). */
        MATRIX
    }

    public FiraOptions {
        if (!(gamma >= 1) || Double.isInfinite(gamma)) {
            throw new Lowrank4jException("the Fira limiter's gamma must be a finite number >= 1, got " + gamma);
        }
    }

    /** The reference code's behaviour: code form, column-wise φ, limiter with γ = 1.01. */
    public static FiraOptions codeExact() {
        return new FiraOptions(Form.CODE, Scaling.COLUMN, true, DEFAULT_GAMMA);
    }

    public FiraOptions withForm(Form f) {
        return new FiraOptions(f, scaling, limiter, gamma);
    }

    public FiraOptions withScaling(Scaling s) {
        return new FiraOptions(form, s, limiter, gamma);
    }

    public FiraOptions withLimiter(boolean on) {
        return new FiraOptions(form, scaling, on, gamma);
    }

    public FiraOptions withGamma(double g) {
        return new FiraOptions(form, scaling, limiter, g);
    }
}
