package dev.lowrank4j.optim;

import dev.lowrank4j.kernels.AdamDirection;
import dev.lowrank4j.kernels.AdamWStep;
import dev.lowrank4j.kernels.Ops;

/**
 * Adam, once, for every optimizer here (AdamW, GaLore, Fira). Two reference forms exist and they
 * round differently, so a run reproduces its reference only with the right one:
 * <ul>
 *   <li>{@link Form#TORCH}: torch.optim.AdamW. Moments by lerp, ε added to the bias-corrected
 *       √v̂: direction m̂/(√v̂+ε) with step size lr (or fused into the weight update, {@link #updateInPlace}).</li>
 *   <li>{@link Form#GALORE}: GaLore's own AdamW (galore_torch/adamw.py, ALGORITHMS §0.2), which Fira's
 *       code also uses. Moments by multiply-add, ε added to the un-corrected √v: direction
 *       m/(√v+ε) with the bias corrections folded into the step size lr·√(1−β2ᵗ)/(1−β1ᵗ).</li>
 * </ul>
 * Decoupled weight decay is not part of the rule: AdamW applies it before the update (torch),
 * GaLore after (its reference).
 */
public record AdamRule(double beta1, double beta2, double eps, Form form) {
    public enum Form { TORCH, GALORE }

    public AdamRule {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new dev.lowrank4j.Lowrank4jException("Adam betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) throw new dev.lowrank4j.Lowrank4jException("Adam eps must be > 0, got " + eps);
    }

    /**
     * Counts one more update of {@code s} and writes the direction for gradient {@code g} into
     * {@code out}; returns the step size that multiplies it (the caller subtracts stepSize·out).
     */
    public double direction(float[] g, AdamState s, float[] out, double lr) {
        long t = ++s.step;
        double bias1 = 1 - Math.pow(beta1, t), bias2 = 1 - Math.pow(beta2, t);
        AdamDirection d = form == Form.TORCH
                ? new AdamDirection((float) beta1, (float) beta2, true, (float) (1 / bias1), (float) Math.sqrt(bias2), (float) eps)
                : new AdamDirection((float) beta1, (float) beta2, false, 1f, 1f, (float) eps);
        Ops.get().adamDirection(g, s.m.data, s.v.data, out, 0, g.length, d);
        return form == Form.TORCH ? lr : lr * Math.sqrt(bias2) / bias1;
    }

    /**
     * The scalars of one fused torch AdamW update of a parameter whose state has just been counted
     * (see {@link #updateInPlace}); {@code weightDecay} 0 for parameters that are not decayed.
     */
    public AdamWStep torchStep(AdamState s, double lr, double weightDecay) {
        if (form != Form.TORCH) throw new IllegalStateException("the fused update is torch's AdamW; this rule is " + form);
        return AdamWStep.torch(lr, beta1, beta2, eps, weightDecay, ++s.step);
    }

    /** p ← p·(1 − lr·wd) − lr/(1−β1ᵗ) · m/(√v/√(1−β2ᵗ) + ε) on elements [from, from+n) (torch order). */
    public void updateInPlace(float[] p, float[] g, AdamState s, int from, int n, AdamWStep scalars) {
        Ops.get().adamW(p, g, s.m.data, s.v.data, from, n, scalars);
    }
}
