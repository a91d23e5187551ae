package dev.lowrank4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * An exponential that gives the same bits every time, in every JIT tier (lane sums with the same
 * property are {@link Lanes#sum}).
 *
 * <p>Why this exists: the Vector API's {@code lanewise(EXP)} runs the platform's SVML routine once
 * C2 has compiled a loop but a Java fallback before that, and the two differ in the last bit, so a
 * training run would depend on when the JIT kicked in, and a resumed run would not retrace an
 * uninterrupted one. Everything here uses only operations that IEEE 754 rounds exactly (add,
 * multiply, fused multiply-add, integer bit moves), whose results cannot depend on the tier.
 *
 * <p>exp(x) follows the classic single-precision scheme (as in Cephes' expf): x = n·ln2 + r with
 * |r| ≤ ln2/2 (ln2 split in two parts so n·ln2 is exact), a degree-6 polynomial for e^r, and 2^n
 * put into the exponent bits. Error is about 1 ulp for normal results. Inputs below −87.34 give 0
 * (the true value would be subnormal), inputs above 88.376 give +∞ (the true value only
 * overflows at 88.72; no caller here cares about that band), NaN gives NaN.
 */
public final class ExactRepeatableMath {
    public static final VectorSpecies<Float> SPECIES = Lanes.FLOATS;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;       // few mantissa bits: n·LN2_HI is exact
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MIN_INPUT = -87.336544f;     // n = −126, the smallest normal scale
    private static final float MAX_INPUT = 88.37626f;       // n = 127, the largest finite scale
    /** 1.5·2²³: adding it rounds to an integer and leaves that integer in the low mantissa bits. */
    private static final float ROUNDING_MAGIC = 12582912f;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(ROUNDING_MAGIC);
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;


    private ExactRepeatableMath() {}

    /** e^x for one float, bit-identical to each lane of {@link #exp(FloatVector)}. */
    public static float exp(float x) {
        if (x < MIN_INPUT) return 0f;
        if (x > MAX_INPUT) return Float.POSITIVE_INFINITY;
        float shifted = Math.fma(x, LOG2E, ROUNDING_MAGIC);
        int n = Float.floatToRawIntBits(shifted) - MAGIC_BITS;
        float nf = shifted - ROUNDING_MAGIC;
        float r = Math.fma(nf, -LN2_LO, Math.fma(nf, -LN2_HI, x));
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P0, r, P1), r, P2), r, P3), r, P4), r, P5);
        float er = Math.fma(p, r * r, r) + 1f;
        return er * Float.intBitsToFloat((n + 127) << 23);
    }

    /** e^x lane by lane; see the class comment for range and accuracy. */
    public static FloatVector exp(FloatVector x) {
        VectorMask<Float> tooSmall = x.compare(VectorOperators.LT, MIN_INPUT);
        VectorMask<Float> tooLarge = x.compare(VectorOperators.GT, MAX_INPUT);
        FloatVector shifted = x.fma(LOG2E, ROUNDING_MAGIC);
        IntVector n = shifted.reinterpretAsInts().sub(MAGIC_BITS);
        FloatVector nf = shifted.sub(ROUNDING_MAGIC);
        FloatVector r = nf.fma(broadcast(-LN2_LO), nf.fma(broadcast(-LN2_HI), x));
        FloatVector p = broadcast(P0).fma(r, broadcast(P1)).fma(r, broadcast(P2)).fma(r, broadcast(P3))
                .fma(r, broadcast(P4)).fma(r, broadcast(P5));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return er.mul(scale)
                .blend(0f, tooSmall)
                .blend(Float.POSITIVE_INFINITY, tooLarge);
    }

    private static FloatVector broadcast(float v) {
        return FloatVector.broadcast(SPECIES, v);
    }

}
