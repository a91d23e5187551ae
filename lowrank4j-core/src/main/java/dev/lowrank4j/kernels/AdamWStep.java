package dev.lowrank4j.kernels;

/**
 * The per-step scalars of the fused AdamW kernel ({@link VectorOps#adamW}). Bias corrections and
 * the decay factor depend only on the step number, so they are computed once per step (in double,
 * as torch does in Python) rather than per element.
 *
 * @param decayFactor 1 − lr·weightDecay (decoupled weight decay, applied to p first)
 * @param beta1 first-moment decay β1
 * @param beta2 second-moment decay β2
 * @param stepSize lr / (1 − β1^t)
 * @param sqrtBias2 √(1 − β2^t)
 * @param eps added to the bias-corrected √v
 */
public record AdamWStep(float decayFactor, float beta1, float beta2, float stepSize, float sqrtBias2, float eps) {
    /**
     * Scalars for step t (1-based) of torch.optim.AdamW(lr, betas=(beta1, beta2), eps,
     * weight_decay), amsgrad off, maximize off.
     */
    public static AdamWStep torch(double lr, double beta1, double beta2, double eps, double weightDecay, long t) {
        if (t < 1) throw new IllegalArgumentException("AdamW step count starts at 1, got " + t);
        double bias1 = 1 - Math.pow(beta1, t);
        double bias2 = 1 - Math.pow(beta2, t);
        return new AdamWStep((float) (1 - lr * weightDecay), (float) beta1, (float) beta2,
                (float) (lr / bias1), (float) Math.sqrt(bias2), (float) eps);
    }
}
