package dev.lowrank4j.loqt;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MergeScheduleTest {
    @Test
    void exponentialScheduleReproducesTheAuthorsStepList() {
        List<Long> steps = new MergeSchedule(100, 1.2).steps(800);
        assertEquals(List.of(0L, 100L, 201L, 302L, 403L, 505L, 607L, 709L), steps);
    }

    @Test
    void isUpdateAgreesWithTheList() {
        MergeSchedule s = new MergeSchedule(100, 1.2);
        List<Long> steps = s.steps(20_000);
        for (long t = 0; t <= 20_000; t++) assertEquals(steps.contains(t), s.isUpdate(t), "step " + t);
    }

    @Test
    void gapsGrowAsComputedInTheSpec() {
        // ALGORITHMS §4d: 40 update points in 10K steps, 45 in 20K, 52 in 60K (counting step 0)
        MergeSchedule s = new MergeSchedule(100, 1.2);
        assertEquals(40, s.steps(10_000).size());
        assertEquals(45, s.steps(20_000).size());
        assertEquals(52, s.steps(60_000).size());
    }

    @Test
    void incrementBelowOneGivesFixedGaps() {
        assertEquals(List.of(0L, 50L, 100L, 150L), MergeSchedule.fixed(50).steps(150));
        assertEquals(List.of(0L, 50L, 100L, 150L), new MergeSchedule(50, 0.9).steps(199));
    }

    @Test
    void badSettingsAreOneLineErrors() {
        assertEquals("--update-gap must be > 0, got 0", assertThrows(Lowrank4jException.class, () -> new MergeSchedule(0, 1.2)).getMessage());
        assertThrows(Lowrank4jException.class, () -> new MergeSchedule(10, -1));
        assertThrows(Lowrank4jException.class, () -> new MergeSchedule(10, Double.NaN));
    }
}
