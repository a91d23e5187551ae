package dev.lowrank4j.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExactRepeatableMathTest {
    private static final int MAX_ULPS = 2;
    private static final int LANES = ExactRepeatableMath.SPECIES.length();

    @Test
    void expIsAccurateOverTheUsefulRange() {
        int worst = 0;
        for (float x = -87f; x <= 88f; x += 0.0137f) {
            float ours = ExactRepeatableMath.exp(x), exact = (float) Math.exp(x);
            int ulps = Math.abs(Float.floatToIntBits(ours) - Float.floatToIntBits(exact));
            worst = Math.max(worst, ulps);
        }
        assertTrue(worst <= MAX_ULPS, "worst error " + worst + " ulps");
    }

    @Test
    void edgeCases() {
        assertEquals(1f, ExactRepeatableMath.exp(0f));
        assertEquals(1f, ExactRepeatableMath.exp(-0f));
        assertEquals(0f, ExactRepeatableMath.exp(-100f));
        assertEquals(0f, ExactRepeatableMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, ExactRepeatableMath.exp(89f));
        assertEquals(Float.POSITIVE_INFINITY, ExactRepeatableMath.exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(ExactRepeatableMath.exp(Float.NaN)));
    }

    /**
     * Scalar Java float arithmetic is fixed by the language, so lanes equal to it bit for bit
     * mean the vector code cannot depend on how (or whether) the JIT compiled it.
     */
    @Test
    void vectorLanesEqualTheScalarFunctionBitForBit() {
        SplittableRandom rng = new SplittableRandom(1);
        float[] x = new float[LANES * 200];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 200 - 100);
        x[0] = Float.NaN;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = Float.POSITIVE_INFINITY;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += LANES) {
            ExactRepeatableMath.exp(FloatVector.fromArray(ExactRepeatableMath.SPECIES, x, i)).intoArray(out, i);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(ExactRepeatableMath.exp(x[i])), Float.floatToRawIntBits(out[i]), "x=" + x[i]);
        }
    }

    @Test
    void sumLanesAddsEveryLaneInAFixedOrder() {
        float[] v = new float[LANES];
        for (int i = 0; i < LANES; i++) v[i] = i + 1;
        assertEquals(LANES * (LANES + 1) / 2f, Lanes.sum(FloatVector.fromArray(ExactRepeatableMath.SPECIES, v, 0)));
        // 1e8 + 1 − 1e8 … depends on order; the same input must always give the same bits.
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < LANES; i++) v[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(9)));
        float first = Lanes.sum(FloatVector.fromArray(ExactRepeatableMath.SPECIES, v, 0));
        for (int rep = 0; rep < 20_000; rep++) {
            assertEquals(first, Lanes.sum(FloatVector.fromArray(ExactRepeatableMath.SPECIES, v, 0)));
        }
    }
}
