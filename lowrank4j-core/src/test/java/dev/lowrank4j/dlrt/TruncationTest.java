package dev.lowrank4j.dlrt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ALGORITHMS.md §6(h) test 4: the cut index on a known spectrum, by hand, for both tolerances and both rules. */
class TruncationTest {
    // σ = 4, 3, 2, 1, 0.5: ‖σ‖ = √30.25 = 5.5; tails after j: j=1 √14.25=3.775, j=2 √5.25=2.291, j=3 √1.25=1.118, j=4 0.5, j=5 0
    private static final double[] SIGMA = {4, 3, 2, 1, 0.5};

    @Test
    void absoluteRule() {
        assertEquals(3, Truncation.cut(SIGMA, 1.2, Truncation.Rule.PAPER, 5));
        assertEquals(4, Truncation.cut(SIGMA, 1.118, Truncation.Rule.PAPER, 5)); // 1.1180.. > 1.118
        assertEquals(4, Truncation.cut(SIGMA, 0.5, Truncation.Rule.PAPER, 5));   // "≤": the tail 0.5 qualifies
        assertEquals(5, Truncation.cut(SIGMA, 0.4, Truncation.Rule.PAPER, 5));
        assertEquals(1, Truncation.cut(SIGMA, 4, Truncation.Rule.PAPER, 5));
    }

    @Test
    void relativeRuleScalesByTheNorm() {
        double tol = Truncation.tolerance(SIGMA, 0.3, false); // 1.65
        assertEquals(1.65, tol, 1e-12);
        assertEquals(3, Truncation.cut(SIGMA, tol, Truncation.Rule.PAPER, 5));
        assertEquals(2, Truncation.cut(SIGMA, Truncation.tolerance(SIGMA, 0.45, false), Truncation.Rule.PAPER, 5)); // 2.475
        assertEquals(0.7, Truncation.tolerance(SIGMA, 0.7, true), 0);
    }

    @Test
    void compileLabRuleLeavesOutTheSmallestValueAndIsStrict() {
        // cuts j = 0..3, tails without σ₅: j=0 √30=5.477, j=1 √14=3.742, j=2 √5=2.236, j=3 1
        assertEquals(3, Truncation.cut(SIGMA, 1.2, Truncation.Rule.COMPILELAB, 5));
        assertEquals(5, Truncation.cut(SIGMA, 1.0, Truncation.Rule.COMPILELAB, 5)); // strict: 1 < 1 fails, rank kept
        assertEquals(2, Truncation.cut(SIGMA, 1e-9, Truncation.Rule.COMPILELAB, 2)); // no cut: the current rank
        assertEquals(0, Truncation.cut(SIGMA, 6, Truncation.Rule.COMPILELAB, 5));    // j = 0, which the clamp lifts to 2
    }

    @Test
    void compileLabKeepsTheRankWhenNoCutQualifies() {
        assertEquals(2, Truncation.cut(new double[] {1, 1}, 0.5, Truncation.Rule.COMPILELAB, 2));
        assertEquals(3, Truncation.cut(new double[] {1, 1, 1, 1}, 0.5, Truncation.Rule.COMPILELAB, 3));
    }

    @Test
    void clamps() {
        assertEquals(2, Truncation.clamp(1, Truncation.Rule.COMPILELAB, 20, 25, 0));
        assertEquals(10, Truncation.clamp(17, Truncation.Rule.COMPILELAB, 20, 25, 0));
        assertEquals(1, Truncation.clamp(1, Truncation.Rule.PAPER, 20, 25, 0));
        assertEquals(20, Truncation.clamp(40, Truncation.Rule.PAPER, 20, 25, 0));
        assertEquals(7, Truncation.clamp(17, Truncation.Rule.PAPER, 20, 25, 7));
    }
}
