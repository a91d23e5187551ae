package dev.lowrank4j.bounds;

import dev.lowrank4j.Lowrank4jException;

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

    /** Margins must be positive for a margin bound; a split the model mostly gets wrong has none. */
    public boolean hasPositiveMargin() {
        return margin > 0;
    }
}
