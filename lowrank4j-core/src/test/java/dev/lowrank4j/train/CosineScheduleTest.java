package dev.lowrank4j.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CosineScheduleTest {
    private static final double EXACT = 1e-12;

    @Test
    void warmupIsLinearFromZero() {
        CosineSchedule s = new CosineSchedule(10, 100, 0.1);
        assertEquals(0.0, s.multiplier(0), EXACT);
        assertEquals(0.5, s.multiplier(5), EXACT);
        assertEquals(1.0, s.multiplier(10), EXACT);
    }

    @Test
    void cosineDecaysToTheFloor() {
        CosineSchedule s = new CosineSchedule(10, 110, 0.1);
        // halfway through the decay: 0.1 + 0.9 * 0.5 * (1 + cos(pi/2)) = 0.55
        assertEquals(0.55, s.multiplier(60), EXACT);
        assertEquals(0.1, s.multiplier(110), EXACT);
        assertEquals(0.1, s.multiplier(500), EXACT, "past the end the floor holds");
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(5, 0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(50, 10, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1, 10, 1.5));
    }
}
