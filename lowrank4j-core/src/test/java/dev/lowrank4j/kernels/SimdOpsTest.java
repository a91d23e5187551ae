package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every SIMD kernel against its scalar twin, on lengths around the vector width and offsets. */
class SimdOpsTest {
    /** Relative error allowed for reductions summed in a different order (vs. Σ|terms|). */
    private static final double REDUCTION_REL_TOL = 1e-5;
    /** Relative error allowed where the vector exp differs from Math.exp by a few ulps. */
    private static final double TRANSCENDENTAL_REL_TOL = 1e-5;
    private static final int OFF_A = 3, OFF_B = 5, OFF_DST = 2;

    private final ScalarOps scalar = new ScalarOps();
    private final SimdOps simd = new SimdOps();

    private static float[] random(long seed, int n, float scale) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, double relTol, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = relTol * Math.max(1.0, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, what + " at " + i);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {0, 1, 7, 15, 16, 17, 31, 33, 100, 1023, 1025, 2600})
    void elementWiseKernelsMatchScalar(int n) {
        float[] a = random(n, n + OFF_A, 3f), b = random(n + 1, n + OFF_B, 3f);
        float[] expected = random(7, n + OFF_DST + 4, 1f), actual = expected.clone();

        scalar.add(a, OFF_A, b, OFF_B, expected, OFF_DST, n);
        simd.add(a, OFF_A, b, OFF_B, actual, OFF_DST, n);
        assertArrayEquals(expected, actual, "add");

        scalar.mul(a, OFF_A, b, OFF_B, expected, OFF_DST, n);
        simd.mul(a, OFF_A, b, OFF_B, actual, OFF_DST, n);
        assertArrayEquals(expected, actual, "mul");

        scalar.scale(a, OFF_A, -1.25f, expected, OFF_DST, n);
        simd.scale(a, OFF_A, -1.25f, actual, OFF_DST, n);
        assertArrayEquals(expected, actual, "scale");

        scalar.axpy(0.3f, b, OFF_B, expected, OFF_DST, n);
        simd.axpy(0.3f, b, OFF_B, actual, OFF_DST, n);
        assertClose(expected, actual, 1e-6, "axpy"); // the vector loop fuses the multiply-add

        scalar.silu(a, OFF_A, expected, OFF_DST, n);
        simd.silu(a, OFF_A, actual, OFF_DST, n);
        assertClose(expected, actual, TRANSCENDENTAL_REL_TOL, "silu");

        scalar.siluBackward(a, OFF_A, b, OFF_B, expected, OFF_DST, n);
        simd.siluBackward(a, OFF_A, b, OFF_B, actual, OFF_DST, n);
        assertClose(expected, actual, TRANSCENDENTAL_REL_TOL, "siluBackward");
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {0, 1, 7, 16, 17, 33, 100, 1023, 1025, 5000})
    void reductionsMatchScalar(int n) {
        float[] a = random(n, n + OFF_A, 2f), b = random(n + 1, n + OFF_B, 2f);
        double absDot = 0, absSum = 0, squares = 0;
        for (int i = 0; i < n; i++) {
            absDot += Math.abs((double) a[OFF_A + i] * b[OFF_B + i]);
            absSum += Math.abs(a[OFF_A + i]);
            squares += (double) a[OFF_A + i] * a[OFF_A + i];
        }
        assertEquals(scalar.dot(a, OFF_A, b, OFF_B, n), simd.dot(a, OFF_A, b, OFF_B, n),
                REDUCTION_REL_TOL * absDot + 1e-30, "dot");
        assertEquals(scalar.sum(a, OFF_A, n), simd.sum(a, OFF_A, n), REDUCTION_REL_TOL * absSum + 1e-30, "sum");
        assertEquals(squares, simd.sumOfSquares(a, OFF_A, n), REDUCTION_REL_TOL * squares + 1e-30, "sumOfSquares");
        assertEquals(scalar.sumOfSquares(a, OFF_A, n), simd.sumOfSquares(a, OFF_A, n),
                REDUCTION_REL_TOL * squares + 1e-30, "sumOfSquares vs scalar");
        assertEquals(scalar.max(a, OFF_A, n), simd.max(a, OFF_A, n), "max");
    }

    @Test
    void maxFindsValueInTailAndEmptyIsNegativeInfinity() {
        float[] x = random(1, 40, 1f);
        x[38] = 9f;
        assertEquals(9f, simd.max(x, 1, 39));
        assertEquals(Float.NEGATIVE_INFINITY, simd.max(x, 0, 0));
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 5, 16, 17, 64, 1000})
    void softmaxMatchesScalarAndSumsToOne(int n) {
        float[] x = random(n, n + OFF_A, 20f); // large logits: must subtract the max first
        float[] expected = new float[n + OFF_DST], actual = new float[n + OFF_DST];
        scalar.softmax(x, OFF_A, expected, OFF_DST, n);
        simd.softmax(x, OFF_A, actual, OFF_DST, n);
        assertClose(expected, actual, TRANSCENDENTAL_REL_TOL, "softmax");
        assertEquals(1.0, simd.sum(actual, OFF_DST, n), 1e-5);
    }

    @Test
    void siluBackwardMatchesFiniteDifference() {
        float[] x = {-4f, -1f, -0.1f, 0f, 0.3f, 2f, 6f};
        float[] ones = new float[x.length];
        java.util.Arrays.fill(ones, 1f);
        float[] grad = new float[x.length];
        simd.siluBackward(x, 0, ones, 0, grad, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            double h = 1e-3, xi = x[i];
            double numeric = (silu(xi + h) - silu(xi - h)) / (2 * h);
            assertEquals(numeric, grad[i], 1e-4, "silu'(" + xi + ")");
        }
    }

    private static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    @Test
    void opsFacadeChoosesByName() {
        assertEquals("scalar", Ops.choose("scalar").name());
        assertEquals("simd", Ops.choose("simd").name());
        assertThrows(IllegalArgumentException.class, () -> Ops.choose("gpu"));
    }
}
