package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWKernelTest {
    /** Float rounding of the double-precision textbook formula over a few steps. */
    private static final double TEXTBOOK_REL_TOL = 1e-5;

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }

    @Test
    void stepScalarsFollowTorch() {
        AdamWStep s = AdamWStep.torch(1e-3, 0.9, 0.999, 1e-8, 0.1, 3);
        assertEquals((float) (1 - 1e-3 * 0.1), s.decayFactor());
        assertEquals((float) (1e-3 / (1 - 0.9 * 0.9 * 0.9)), s.stepSize());
        assertEquals((float) Math.sqrt(1 - Math.pow(0.999, 3)), s.sqrtBias2());
    }

    @Test
    void simdIsBitIdenticalToScalarWithOffsetAndTail() {
        Random rnd = new Random(42);
        int n = 1000, off = 5;
        float[] p = random(rnd, n + off), g = random(rnd, n + off), m = random(rnd, n + off);
        float[] v = random(rnd, n + off);
        for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
        float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
        for (int t = 1; t <= 3; t++) {
            AdamWStep step = AdamWStep.torch(1e-2, 0.9, 0.95, 1e-8, 0.05, t);
            new ScalarOps().adamW(p, g, m, v, off, n - 3, step);
            new SimdOps().adamW(p2, g, m2, v2, off, n - 3, step);
        }
        assertArrayEquals(p, p2);
        assertArrayEquals(m, m2);
        assertArrayEquals(v, v2);
    }

    @Test
    void matchesTextbookAdamWInDouble() {
        Random rnd = new Random(7);
        int n = 37;
        float[] p = random(rnd, n), m = new float[n], v = new float[n];
        double[] pd = new double[n], md = new double[n], vd = new double[n];
        for (int i = 0; i < n; i++) pd[i] = p[i];
        double lr = 3e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
        for (int t = 1; t <= 4; t++) {
            float[] g = random(rnd, n);
            new SimdOps().adamW(p, g, m, v, 0, n, AdamWStep.torch(lr, b1, b2, eps, wd, t));
            for (int i = 0; i < n; i++) {
                pd[i] *= 1 - lr * wd;
                md[i] = b1 * md[i] + (1 - b1) * g[i];
                vd[i] = b2 * vd[i] + (1 - b2) * g[i] * g[i];
                double mHat = md[i] / (1 - Math.pow(b1, t)), vHat = vd[i] / (1 - Math.pow(b2, t));
                pd[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        for (int i = 0; i < n; i++) assertEquals(pd[i], p[i], TEXTBOOK_REL_TOL * Math.max(1, Math.abs(pd[i])));
    }
}
