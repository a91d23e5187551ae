package dev.lowrank4j.models.bert;

/**
 * erfc in double, for checking the float approximation: the everywhere-positive series
 * erf(z) = 2/√π · e^(−z²) · Σ 2ⁿ z^(2n+1) / (1·3·…·(2n+1)) for z < 3 (no cancellation), and
 * the Laplace continued fraction for erfc when z ≥ 3, where the series would lose erfc's digits.
 */
final class ReferenceErf {
    private static final int CONTINUED_FRACTION_TERMS = 200;
    private static final double SERIES_LIMIT = 3;

    private ReferenceErf() {}

    static double erfc(double z) {
        if (z < 0) return 2 - erfc(-z);
        if (z < SERIES_LIMIT) return 1 - erf(z);
        // erfc(z) = e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + …)))))
        double f = z;
        for (int k = CONTINUED_FRACTION_TERMS; k >= 1; k--) f = z + (k / 2.0) / f;
        return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
    }

    private static double erf(double z) {
        double term = z, sum = z;
        for (int n = 1; term > 1e-17 * sum; n++) {
            term *= 2 * z * z / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
    }
}
