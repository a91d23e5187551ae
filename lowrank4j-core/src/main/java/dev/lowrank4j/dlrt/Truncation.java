package dev.lowrank4j.dlrt;

/**
 * How the rank-adaptive step picks the new rank r₁ from the singular values σ₁ ≥ … ≥ σ_w of the
 * augmented coefficient matrix Ŝ (ALGORITHMS.md §6(c)).
 *
 * <ul>
 *   <li>{@link Rule#PAPER}: r₁ = the smallest j ≥ 1 with (Σ_{i>j} σᵢ²)^{1/2} ≤ tol, clamped to
 *       [1, maxRank] (maxRank = min(m, n) unless asked otherwise: the paper has no clamp). This is
 *       also ScSteffen/DLRT's rule.</li>
 *   <li>{@link Rule#COMPILELAB}: COMPiLELab/DLRT-Net's: cuts j = 0 … w−2 are tried, the tail norm for
 *       a cut at j leaves out the smallest singular value (σ_{j+1} … σ_{w−1}), the comparison is
 *       strict, a step where no cut qualifies keeps the current rank instead of growing to w, and
 *       the result is clamped to [2, min(m, n)/2].</li>
 * </ul>
 * tol is ϑ for the absolute rule and ϑ·‖σ‖₂ for the relative one (what the LeNet runs use).
 */
public final class Truncation {
    public enum Rule { PAPER, COMPILELAB }

    private Truncation() {}

    /** tol = ϑ (absolute) or ϑ·‖σ‖₂ (relative). */
    public static double tolerance(double[] sigma, double tau, boolean absolute) {
        if (absolute) return tau;
        double sq = 0;
        for (double x : sigma) sq += x * x;
        return tau * Math.sqrt(sq);
    }

    /**
     * The new rank for singular values {@code sigma} (descending), before any clamp.
     *
     * @param currentRank the rank before the step (what {@link Rule#COMPILELAB} keeps when no cut qualifies)
     */
    public static int cut(double[] sigma, double tol, Rule rule, int currentRank) {
        int w = sigma.length;
        // tail[j] = Σ_{i ≥ j} σᵢ² (0-based), summed from the small end so it is accurate
        double[] tail = new double[w + 1];
        for (int i = w - 1; i >= 0; i--) tail[i] = tail[i + 1] + sigma[i] * sigma[i];
        if (rule == Rule.PAPER) {
            for (int j = 1; j <= w; j++) if (Math.sqrt(tail[j]) <= tol) return j;
            return w;
        }
        double last = w > 0 ? sigma[w - 1] * sigma[w - 1] : 0;
        for (int j = 0; j <= w - 2; j++) { // keep j values, tail σ_{j+1} … σ_{w−1} (1-based): never the last
            double withoutSmallest = Math.max(0, tail[j] - last);
            if (Math.sqrt(withoutSmallest) < tol) return j;
        }
        return currentRank;
    }

    /** The rank bounds a rule allows for an m×n layer; {@code maxRank} 0 means "the rule's default". */
    public static int clamp(int rank, Rule rule, int m, int n, int maxRank) {
        int full = Math.min(m, n);
        int lo = rule == Rule.COMPILELAB ? Math.min(2, full) : 1;
        int hi = maxRank > 0 ? Math.min(maxRank, full) : rule == Rule.COMPILELAB ? Math.max(lo, full / 2) : full;
        return Math.max(lo, Math.min(hi, rank));
    }
}
