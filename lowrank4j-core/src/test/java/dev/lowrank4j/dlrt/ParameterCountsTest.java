package dev.lowrank4j.dlrt;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ALGORITHMS.md §6(h) test 6: ScSteffen/DLRT's CSV row for ranks [15, 46, 13, 10] on LeNet5. */
class ParameterCountsTest {
    @Test
    void reproducesThePapersCsvRow() {
        ParameterCounts c = ParameterCounts.of(List.of(new ParameterCounts.Layer(20, 25, 15),
                new ParameterCounts.Layer(50, 500, 46), new ParameterCounts.Layer(500, 800, 13), new ParameterCounts.Layer(10, 500, 10)));
        assertEquals(430_500, c.full());
        assertEquals(47_975, c.test());
        assertEquals(50_585, c.train());
        assertEquals(0.889, c.testCompression(), 5e-4);
        assertEquals(0.882, c.trainCompression(), 5e-4);
    }

    @Test
    void aFullRankLayerCountsItsWeights() {
        ParameterCounts c = ParameterCounts.of(List.of(new ParameterCounts.Layer(10, 500, 0)));
        assertEquals(5000, c.test());
        assertEquals(5000, c.train());
        assertEquals(0.0, c.testCompression());
    }
}
