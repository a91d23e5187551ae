package dev.lowrank4j.classify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRatePlanTest {
    static final double EXACT = 1e-12;

    @Test
    void oneScheduleWarmsUpThenDecaysToZero() {
        LearningRatePlan plan = new LearningRatePlan(100, 0.1);
        assertEquals(0.0, plan.multiplier(0), EXACT);
        assertEquals(0.5, plan.multiplier(5), EXACT);
        assertEquals(1.0, plan.multiplier(10), EXACT);
        assertTrue(plan.multiplier(99) < 0.001);
    }

    @Test
    void stagesRestartTheScheduleAndTheLastStageUsesWhatIsLeft() {
        LearningRatePlan plan = new LearningRatePlan(250, 0.1);
        long stage = 100;
        assertEquals(1.0, plan.multiplier(10, 0, stage), EXACT);
        assertEquals(0.0, plan.multiplier(100, 100, stage), EXACT); // stage 2 starts from zero again
        assertEquals(1.0, plan.multiplier(110, 100, stage), EXACT);
        // the last stage is 50 steps long: warmup 5, peak at step 205, near zero at its end
        assertEquals(1.0, plan.multiplier(205, 200, stage), EXACT);
        assertTrue(plan.multiplier(249, 200, stage) < 0.01);
    }
}
