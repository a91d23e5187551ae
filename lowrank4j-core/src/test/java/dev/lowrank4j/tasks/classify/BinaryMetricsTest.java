package dev.lowrank4j.tasks.classify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BinaryMetricsTest {
    static final double EXACT = 1e-12;

    @Test
    void countsAndRatiosWithSpamPositive() {
        int[] actual = {1, 1, 1, 0, 0, 0, 0, 1};
        int[] predicted = {1, 1, 0, 0, 1, 0, 0, 1};
        BinaryMetrics m = BinaryMetrics.of(predicted, actual, 1);
        assertEquals(new BinaryMetrics(3, 1, 3, 1), m);
        assertEquals(6.0 / 8, m.accuracy(), EXACT);
        assertEquals(0.75, m.precision(), EXACT);
        assertEquals(0.75, m.recall(), EXACT);
        assertEquals(0.75, m.f1(), EXACT);
    }

    @Test
    void neverPredictingThePositiveClassScoresZeroNotNaN() {
        BinaryMetrics m = BinaryMetrics.of(new int[]{0, 0, 0}, new int[]{1, 0, 0}, 1);
        assertEquals(0.0, m.precision());
        assertEquals(0.0, m.f1());
        assertEquals(2.0 / 3, m.accuracy(), EXACT);
    }
}
