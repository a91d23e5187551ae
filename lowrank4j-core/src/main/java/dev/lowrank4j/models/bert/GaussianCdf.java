package dev.lowrank4j.models.bert;

import dev.lowrank4j.kernels.ExactRepeatableMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The standard normal CDF Φ(x) = ½·erfc(−x/√2), which exact (erf) GELU needs and Java lacks.
 *
 * <p>erfc(z) for z ≥ 0 uses the Chebyshev-fitted form t·exp(−z² + P(t)) with t = 1/(1 + z/2)
 * (Numerical Recipes' {@code erfcc}, fractional error below 1.2e-7 for every z). Working with erfc
 * instead of 1 + erf keeps Φ accurate in the left tail, where 1 + erf would cancel. The vector and
 * scalar paths evaluate the same expression in float, so a row's tail matches its body.
 */
final class GaussianCdf {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    /** 1/√(2π), the normal density at 0. */
    static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    // P(t) coefficients, lowest order first.
    private static final float C0 = -1.26551223f;
    private static final float C1 = 1.00002368f;
    private static final float C2 = 0.37409196f;
    private static final float C3 = 0.09678418f;
    private static final float C4 = -0.18628806f;
    private static final float C5 = 0.27886807f;
    private static final float C6 = -1.13520398f;
    private static final float C7 = 1.48851587f;
    private static final float C8 = -0.82215223f;
    private static final float C9 = 0.17087277f;

    private GaussianCdf() {}

    /** Φ(x). */
    static float cdf(float x) {
        float z = Math.abs(x) * INV_SQRT2;
        float t = 1f / (1f + 0.5f * z);
        float p = C0 + t * (C1 + t * (C2 + t * (C3 + t * (C4 + t * (C5 + t * (C6 + t * (C7 + t * (C8 + t * C9))))))));
        float halfErfc = 0.5f * t * (float) Math.exp(-z * z + p);
        return x >= 0 ? 1f - halfErfc : halfErfc;
    }

    /** Φ(x) lane-wise. */
    static FloatVector cdf(FloatVector x) {
        FloatVector z = x.abs().mul(INV_SQRT2);
        FloatVector t = FloatVector.broadcast(SPECIES, 1f).div(z.mul(0.5f).add(1f));
        FloatVector p = t.mul(C9).add(C8);
        p = p.mul(t).add(C7);
        p = p.mul(t).add(C6);
        p = p.mul(t).add(C5);
        p = p.mul(t).add(C4);
        p = p.mul(t).add(C3);
        p = p.mul(t).add(C2);
        p = p.mul(t).add(C1);
        p = p.mul(t).add(C0);
        FloatVector halfErfc = t.mul(0.5f).mul(ExactRepeatableMath.exp(z.mul(z).neg().add(p)));
        VectorMask<Float> nonNegative = x.compare(VectorOperators.GE, 0f);
        return halfErfc.blend(halfErfc.neg().add(1f), nonNegative);
    }

    /** φ(x) = exp(−x²/2)/√(2π). */
    static float density(float x) {
        return INV_SQRT_2PI * (float) Math.exp(-0.5f * x * x);
    }

    static FloatVector density(FloatVector x) {
        return ExactRepeatableMath.exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
    }
}
