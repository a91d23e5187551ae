package dev.lowrank4j.bounds;

/**
 * One bound for the whole network, in natural logs: the weights-only complexity and, when data
 * statistics were given, the complexity term of the generalization gap (NaN otherwise).
 * Constants that the papers leave in O(·) and the ln(1/δ) confidence terms are dropped, so the
 * values compare trends, not certified gaps.
 */
public record BoundTotal(String paper, double logComplexity, double logBound, String formula, String note) {
    public boolean hasBound() {
        return !Double.isNaN(logBound);
    }
}
