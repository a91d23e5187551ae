package dev.lowrank4j.kernels;

/**
 * The per-step scalars of the Adam direction kernel ({@link VectorOps#adamDirection}): moments
 * updated from g, then out = (m·scale1) / (√v / sqrtBias2 + eps). With scale1 = 1/(1−β1ᵗ) and
 * sqrtBias2 = √(1−β2ᵗ) that is the bias-corrected m̂/(√v̂+ε); with both 1 it is GaLore's reference
 * m/(√v+ε), whose bias correction lives in the step size instead.
 *
 * @param lerpMoments m += (1−β1)(g − m) as torch ≥ 2 writes it, else m = β1·m + (1−β1)·g as
 *                    GaLore's reference AdamW does (the same value, rounded differently)
 */
public record AdamDirection(float beta1, float beta2, boolean lerpMoments, float scale1, float sqrtBias2, float eps) {}
