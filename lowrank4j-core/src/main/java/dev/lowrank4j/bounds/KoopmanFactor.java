package dev.lowrank4j.bounds;

/**
 * The Koopman-operator factor of one weight layer, ln ‖K_W‖ on Sobolev spaces, from its
 * singular values (ALGORITHMS.md §9.2–9.3; the derivation is ours, see docs/BOUNDS.md):
 * <pre>
 *   square, invertible W (d×d):   ln K = s·ln max(1, σ₁) − ½ Σᵢ ln σᵢ        (= max(1,‖W‖)^s / |det W|^{1/2})
 *   injective W (out &gt; in):       ln K = s·ln max(1, σ₁) − ½ Σᵢ ln σᵢ        (|det W|^{1/2} → det(WᵀW)^{1/4});
 *                                  the paper's extra factor G_j (isotropy of the downstream function) is omitted
 *   not injective (out &lt; in, or numerically singular):  +∞ (the paper then needs an augmented network)
 * </pre>
 * Computed in log space so products over deep networks neither overflow nor underflow.
 */
public record KoopmanFactor(double order, double logFactor, String layerCase) {
    public static final String SQUARE = "square", INJECTIVE = "injective (G_j omitted)",
            NOT_INJECTIVE = "not injective", SINGULAR = "singular", IN_G = "final layer, part of g";

    public static KoopmanFactor of(LayerSpectrum w, KoopmanOptions options) {
        double s = options.order(w.cols());
        if (w.rows() < w.cols()) return new KoopmanFactor(s, Double.POSITIVE_INFINITY, NOT_INJECTIVE);
        // below the double SVD's resolution a singular value is indistinguishable from 0: the determinant term is then +∞
        if (w.numericalRank() < w.cols()) return new KoopmanFactor(s, Double.POSITIVE_INFINITY, SINGULAR);
        double log = s * Math.log(Math.max(1.0, w.spectral())) - 0.5 * w.sumLogSingular();
        return new KoopmanFactor(s, log, w.rows() == w.cols() ? SQUARE : INJECTIVE);
    }

    public static KoopmanFactor partOfG(LayerSpectrum w, KoopmanOptions options) {
        return new KoopmanFactor(options.order(w.cols()), 0, IN_G);
    }

    /**
     * ln k(x, x) of the Sobolev kernel of H^s(R^d) with ‖h‖² = ∫ |ĥ(ω)|² (1+‖ω‖²)^s dω and
     * ĥ(ω) = ∫ h(x) e^{−iω·x} dx: the kernel is translation invariant, so k(x,x) is the same for
     * every x, namely (2π)^{−2d} ∫ (1+‖ω‖²)^{−s} dω = (2π)^{−2d} π^{d/2} Γ(s − d/2) / Γ(s).
     * The data term of the Rademacher bound is then √(k(x,x)/n), whatever the inputs.
     */
    public static double logKernelDiagonal(double s, int d) {
        if (s <= d / 2.0) throw new IllegalArgumentException("s = " + s + " must exceed d/2 = " + d / 2.0);
        return -2.0 * d * Math.log(2 * Math.PI) + 0.5 * d * Math.log(Math.PI) + LogGamma.of(s - d / 2.0) - LogGamma.of(s);
    }
}
