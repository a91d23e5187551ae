package dev.lowrank4j.nn;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector loops against plain loops, on lengths around every unrolling boundary. */
class VectorMathTest {
    private static final int MAX_LENGTH = 200;
    private static final double RELATIVE_TOLERANCE = 1e-5;

    @Test
    void reductionsMatchScalarLoopsForEveryLength() {
        SplittableRandom rng = new SplittableRandom(1);
        float[] a = GradCheck.randomArray(rng, MAX_LENGTH + 3, 2), b = GradCheck.randomArray(rng, MAX_LENGTH + 3, 2);
        for (int len = 0; len <= MAX_LENGTH; len++) {
            int off = len % 3;
            double max = Double.NEGATIVE_INFINITY, sumExp = 0, dot = 0;
            for (int i = 0; i < len; i++) {
                max = Math.max(max, a[off + i]);
                sumExp += Math.exp(a[off + i] - 0.5);
                dot += (double) a[off + i] * b[off + i];
            }
            assertEquals((float) max, VectorMath.max(a, off, len), "max, len " + len);
            assertEquals(sumExp, VectorMath.sumExp(a, off, len, 0.5f), RELATIVE_TOLERANCE * Math.max(1, sumExp), "sumExp, len " + len);
            assertEquals(dot, VectorMath.dot(a, off, b, off, len), RELATIVE_TOLERANCE * len * 4, "dot, len " + len);
        }
    }

    @Test
    void elementwiseOpsMatchScalarLoops() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int len : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 131}) {
            float[] p = GradCheck.randomArray(rng, len, 1), ds = GradCheck.randomArray(rng, len, 1), expected = new float[len];
            for (int i = 0; i < len; i++) expected[i] = p[i] * (ds[i] - 0.25f);
            VectorMath.softmaxBackwardRow(p, 0, ds, 0, len, 0.25f);
            for (int i = 0; i < len; i++) assertEquals(expected[i], ds[i], 1e-6f);

            float[] src = GradCheck.randomArray(rng, len, 1), dst = new float[len];
            VectorMath.scaledExp(src, 0, dst, 0, len, 0.5f, 3f);
            for (int i = 0; i < len; i++) assertEquals(3 * Math.exp(src[i] - 0.5), dst[i], 1e-5 * dst[i] + 1e-7);
            float[] copy = src.clone();
            float sum = VectorMath.expInPlace(copy, 0, len, 0.5f);
            double expectedSum = 0;
            for (int i = 0; i < len; i++) expectedSum += Math.exp(src[i] - 0.5);
            assertEquals(expectedSum, sum, 1e-5 * Math.max(1, expectedSum));
        }
    }
}
