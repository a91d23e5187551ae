package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StepCounterTest {
    @Test
    void roundTripsCountsBeyondFloatPrecision() {
        for (long n : new long[] {0, 1, 16_777_217L, (1L << 40) + 5, Long.MAX_VALUE}) {
            assertEquals(n, StepCounter.decode(StepCounter.encode(n), "step.x"));
        }
    }

    @Test
    void rejectsGarbage() {
        assertThrows(Lowrank4jException.class, () -> StepCounter.decode(new Tensor(new float[] {0.5f, 0, 0}, 3), "step.x"));
        assertThrows(Lowrank4jException.class, () -> StepCounter.decode(new Tensor(new float[] {1, 2}, 2), "step.x"));
    }
}
