package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantGridTest {
    @Test
    void minMaxRangeIsWidenedToIncludeZero() {
        // row 0 all positive: the range is [0, 3], not [1, 3]; row 1 mixed: [-1, 2]; row 2 all zero.
        Tensor w = new Tensor(new float[] {1f, 3f, 2f, -1f, 2f, 0.5f, 0f, 0f, 0f}, 3, 3);
        QuantGrid g = QuantGrid.minMax("w", w, 2);
        assertEquals(1f, g.scales()[0]);
        assertEquals(0, g.zeroPoints()[0]);
        assertEquals(1f, g.scales()[1]);
        assertEquals(1, g.zeroPoints()[1]);
        assertEquals(QuantGrid.MIN_SCALE, g.scales()[2]);
        assertEquals(0, g.zeroPoints()[2]);
    }

    @Test
    void allNegativeRowPutsTheZeroPointAtTheTop() {
        QuantGrid g = QuantGrid.minMax("w", new Tensor(new float[] {-3f, -1f, -2f}, 1, 3), 2);
        assertEquals(1f, g.scales()[0]);
        assertEquals(3, g.zeroPoints()[0]);
    }

    @Test
    void zeroPointRoundsHalfToEven() {
        // lo / scale = -2.5 exactly: -round_half_even(-2.5) = 2, not 3.
        assertEquals(2, QuantGrid.zeroPointOf(-2.5f, 1f, 4));
        assertEquals(4, QuantGrid.zeroPointOf(-3.5f, 1f, 4));
        assertEquals(15, QuantGrid.zeroPointOf(-40f, 1f, 4)); // clamped to 2^b - 1
    }

    @Test
    void bitsOutsideTwoToEightAreOneLineErrors() {
        Tensor w = new Tensor(new float[] {1f, -1f}, 1, 2);
        for (int bits : new int[] {0, 1, 9, 16}) {
            for (GridInit init : GridInit.values()) {
                Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> init.grid("w", w, bits));
                assertEquals("quantization bits must be between 2 and 8, got " + bits, e.getMessage());
            }
        }
        for (int bits = 2; bits <= 8; bits++) assertEquals(bits, GridInit.LP_SEARCH.grid("w", w, bits).bits());
    }

    @Test
    void nonFiniteOrMisshapenWeightsAreOneLineErrors() {
        Tensor w = new Tensor(new float[] {1f, 2f, Float.NaN, 0f}, 2, 2);
        for (GridInit init : GridInit.values()) {
            Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> init.grid("layers.0.q.weight", w, 4));
            assertEquals("layers.0.q.weight: row 1, column 0 is NaN; only finite weights can be quantized", e.getMessage());
        }
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> QuantGrid.minMax("v", Tensor.zeros(4), 4));
        assertTrue(e.getMessage().startsWith("v: a quantized weight must be"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
