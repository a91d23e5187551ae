package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RoundToNearestTest {
    /** 4-bit grid with step 0.25 (exact in binary) and zero point 8: codes 0..15 mean q = -8..7. */
    private static final QuantGrid GRID = new QuantGrid(4, new float[] {0.25f}, new int[] {8});

    private static int[] codes(float... w) {
        QuantizedWeight q = RoundToNearest.quantize("w", new Tensor(w, 1, w.length), GRID);
        int[] c = new int[w.length];
        for (int j = 0; j < c.length; j++) c[j] = q.code(0, j);
        return c;
    }

    @Test
    void exactHalvesRoundToEven() {
        // W/s = 0.5, 1.5, 2.5, -0.5, -1.5, -2.5  ->  0, 2, 2, -0, -2, -2  (plus z = 8)
        assertArrayEquals(new int[] {8, 10, 10, 8, 6, 6}, codes(0.125f, 0.375f, 0.625f, -0.125f, -0.375f, -0.625f));
        // and not-quite-halves go to the nearest
        assertArrayEquals(new int[] {9, 7}, codes(Math.nextUp(0.125f), Math.nextDown(-0.125f)));
    }

    @Test
    void codesClampToTheGrid() {
        // q = 7 is the top (code 15) and q = -8 the bottom (code 0); beyond them values clamp.
        assertArrayEquals(new int[] {15, 15, 0, 0}, codes(1.75f, 9f, -2f, -9f));
        QuantizedWeight q = RoundToNearest.quantize("w", new Tensor(new float[] {9f, -9f, 0.3f}, 1, 3), GRID);
        assertArrayEquals(new float[] {1.75f, -2f, 0.25f}, q.dequantize().data);
    }

    @Test
    void dequantizeIsScaleTimesCodeMinusZero() {
        QuantGrid g = new QuantGrid(3, new float[] {0.1f, 0.3f}, new int[] {2, 5});
        Tensor w = new Tensor(new float[] {0.04f, 0.26f, -0.6f, 0.31f, -1.2f, 0.9f}, 2, 3);
        QuantizedWeight q = RoundToNearest.quantize("w", w, g);
        assertEquals(3, q.bits());
        float[] expected = new float[6];
        for (int k = 0; k < 6; k++) {
            int i = k / 3;
            float s = g.scales()[i], z = g.zeroPoints()[i];
            float code = Math.min(Math.max((float) Math.rint(w.data[k] / s) + z, 0f), 7f);
            assertEquals((int) code, q.code(i, k % 3));
            expected[k] = (code - z) * s;
        }
        assertArrayEquals(expected, q.dequantize().data);
    }
}
