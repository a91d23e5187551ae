package dev.lowrank4j.bounds;

import dev.lowrank4j.Lowrank4jException;

/**
 * The assumptions of the Koopman-based bound, made explicit.
 *
 * @param sobolevOffset       layer j acts on the Sobolev RKHS H^{s_j}(R^{d_j}) with s_j = d_j/2 + offset, where d_j
 *                            is the layer's input dimension; H^s(R^d) is an RKHS only for s &gt; d/2, so offset &gt; 0
 * @param fixedOrder          one Sobolev order s for every layer instead (must exceed d_j/2 everywhere), or null
 * @param activationLogFactor ln ‖K_σ‖ for each activation between layers. The paper bounds ‖K_σ‖ for smooth
 *                            activations with an invertible Jacobian (its Proposition 1, per the public reviews);
 *                            ReLU is neither, so the default 0 (‖K_σ‖ = 1) is an assumption, not a result
 * @param finalLayerInG       true: the last weight layer is taken as part of the final function g (the paper's
 *                            f = g ∘ b_L ∘ W_L ∘ …), so it contributes no Koopman factor and ‖g‖ is set to 1;
 *                            false: it is one more factor (+∞ for a classifier head, which is not injective)
 */
public record KoopmanOptions(double sobolevOffset, Double fixedOrder, double activationLogFactor, boolean finalLayerInG) {
    public static final double DEFAULT_OFFSET = 0.5;

    public KoopmanOptions {
        if (!(sobolevOffset > 0)) throw new Lowrank4jException("the Sobolev offset must be > 0 (s > d/2), got " + sobolevOffset);
        if (fixedOrder != null && !(fixedOrder > 0)) throw new Lowrank4jException("the Sobolev order must be > 0, got " + fixedOrder);
        if (!Double.isFinite(activationLogFactor)) throw new Lowrank4jException("the activation factor must be finite");
    }

    public static KoopmanOptions defaults() {
        return new KoopmanOptions(DEFAULT_OFFSET, null, 0, true);
    }

    /** The Sobolev order of a layer whose input dimension is d. */
    public double order(int d) {
        double s = fixedOrder != null ? fixedOrder : d / 2.0 + sobolevOffset;
        if (s <= d / 2.0) {
            throw new Lowrank4jException("Sobolev order " + s + " is not above d/2 = " + d / 2.0
                    + " for a layer with input dimension " + d + ": H^s(R^d) is then not an RKHS");
        }
        return s;
    }
}
