package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Φ and exact GELU against a double-precision reference; vector path against the scalar twin. */
class GeluAndCdfTest {
    /** Float Φ vs exact: the fit is good to 1.2e-7 relative, float rounding adds a few ulps of 1. */
    static final double CDF_ABS_TOLERANCE = 3e-7;
    /** Left tail, relative: exp's argument (−z² ≈ −18 at x = −6) is rounded to float, ~1e-6 relative. */
    static final double TAIL_REL_TOLERANCE = 1e-5;
    /** Vector EXP and Math.exp may differ by an ulp or two. */
    static final double TWIN_REL_TOLERANCE = 1e-6;

    @Test
    void cdfMatchesAnExactSeries() {
        double worstAbs = 0, worstTail = 0;
        for (double x = -8; x <= 8; x += 1.0 / 64) {
            double exact = 0.5 * ReferenceErf.erfc(-x / Math.sqrt(2));
            float ours = GaussianCdf.cdf((float) x);
            worstAbs = Math.max(worstAbs, Math.abs(ours - exact));
            if (x < -1) worstTail = Math.max(worstTail, Math.abs(ours - exact) / exact);
        }
        System.out.printf("Φ: max abs error %.2e, left-tail max rel error %.2e%n", worstAbs, worstTail);
        assertTrue(worstAbs < CDF_ABS_TOLERANCE, "abs " + worstAbs);
        assertTrue(worstTail < TAIL_REL_TOLERANCE, "tail " + worstTail);
        assertEquals(0.5f, GaussianCdf.cdf(0f), 1e-7f);
    }

    @Test
    void referenceSeriesIsRight() {
        // Known values: erf(0.5) = 0.5204998778130465, erfc(2) = 0.004677734981047266.
        assertEquals(0.5204998778130465, 1 - ReferenceErf.erfc(0.5), 1e-15);
        assertEquals(2.209049699858544e-5, ReferenceErf.erfc(3), 1e-18); // continued-fraction branch
        assertEquals(0.004677734981047266, ReferenceErf.erfc(2), 1e-15); // 1 − erf cancels ~2 digits
    }

    @Test
    void geluVectorPathMatchesScalarAndExactFormula() {
        SplittableRandom rng = new SplittableRandom(3);
        int rows = 3, cols = 37; // odd width: the vector loop leaves a scalar tail
        Tensor x = GradCheck.randomTensor(rng, 3.0, rows, cols);
        Tensor y = new Gelu().forward(x);
        for (int i = 0; i < x.data.length; i++) {
            float xi = x.data[i];
            float scalar = xi * GaussianCdf.cdf(xi);
            double exact = xi * 0.5 * ReferenceErf.erfc(-xi / Math.sqrt(2));
            assertEquals(scalar, y.data[i], TWIN_REL_TOLERANCE * Math.max(1, Math.abs(scalar)), "twin at " + xi);
            assertEquals(exact, y.data[i], CDF_ABS_TOLERANCE * Math.max(1, Math.abs(xi)), "exact at " + xi);
        }
    }

    @Test
    void geluGradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(4);
        Tensor x = GradCheck.randomTensor(rng, 2.0, 5, 19);
        float[] probe = GradCheck.randomArray(rng, x.size(), 1.0);
        Gelu gelu = new Gelu();
        gelu.forward(x);
        float[] dx = gelu.backward(new Tensor(probe.clone(), 5, 19)).data.clone();
        double err = DirectionalCheck.worstError(() -> GradCheck.probe(gelu.forward(x), probe), x.data, dx, 8);
        assertTrue(err < DirectionalCheck.RELATIVE_TOLERANCE, "relative error " + err);
    }
}
