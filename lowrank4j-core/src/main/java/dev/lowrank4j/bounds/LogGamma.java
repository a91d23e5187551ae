package dev.lowrank4j.bounds;

/** ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 terms; relative error about 1e-15). */
final class LogGamma {
    private static final double[] C = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7};

    private LogGamma() {}

    static double of(double x) {
        if (!(x > 0)) throw new IllegalArgumentException("ln Γ needs x > 0, got " + x);
        if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - of(1 - x); // reflection
        double z = x - 1, a = C[0], t = z + 7.5;
        for (int i = 1; i < 9; i++) a += C[i] / (z + i);
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
