package dev.lowrank4j.bounds;

import dev.lowrank4j.Lowrank4jException;

import java.util.Arrays;

/**
 * What the data-dependent bounds need from a split: its size n, the largest input norm B =
 * max‖x‖₂, ‖X‖_F = (Σ‖xᵢ‖²)^{1/2}, and the margin γ (a quantile of the margins
 * f(x)_y − max_{j≠y} f(x)_j), with the fraction of examples whose margin is below γ (the
 * empirical γ-margin loss R̂_γ that the margin bounds add to).
 */
public record DataStats(String split, int n, double maxInputNorm, double inputFrobenius, double marginQuantile,
                        double margin, double marginLossRate, double accuracy) {
    public DataStats {
        if (n < 1) throw new Lowrank4jException("the bounds need at least one example, got " + n);
    }

    /**
     * The stats of measured margins (one per example, own logit minus the largest other) and input
     * norms, the margin γ being the {@code quantile} of the margins; shared by every model kind.
     *
     * @param maxNorm2 the largest squared input norm, {@code sumNorm2} their sum
     * @param correct  examples whose own logit is the largest
     */
    public static DataStats fromMargins(String split, double[] margins, long correct, double maxNorm2, double sumNorm2, double quantile) {
        checkQuantile(quantile);
        int n = margins.length;
        if (n < 1) throw new Lowrank4jException("the bounds need at least one example, got " + n);
        double[] sorted = margins.clone();
        Arrays.sort(sorted);
        double gamma = sorted[(int) Math.floor(quantile * (n - 1))];
        int below = 0;
        for (double m : margins) if (m < gamma) below++;
        return new DataStats(split, n, Math.sqrt(maxNorm2), Math.sqrt(sumNorm2), quantile, gamma, below / (double) n,
                correct / (double) n);
    }

    /** Refuses a margin quantile outside [0, 1) before any model is run. */
    public static void checkQuantile(double quantile) {
        if (!(quantile >= 0 && quantile < 1)) throw new Lowrank4jException("--margin-quantile must be in [0, 1), got " + quantile);
    }

    /** Margins must be positive for a margin bound; a split the model mostly gets wrong has none. */
    public boolean hasPositiveMargin() {
        return margin > 0;
    }
}
