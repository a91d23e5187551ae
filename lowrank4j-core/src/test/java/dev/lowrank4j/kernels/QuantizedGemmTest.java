package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lowrank4j.quant.QuantizedTensor;
import dev.lowrank4j.quant.intq.IntOptions;
import dev.lowrank4j.quant.intq.IntTensor;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The fused kernels against their scalar twin: dequantize W, then {@link ScalarGemm}. */
class QuantizedGemmTest {
    private static final int ORIGINAL_THREADS = Parallel.threads();

    /** Decode shapes (1–8 rows, the direct path), the first blocked sizes, ragged tails and MR multiples. */
    private static final int[] ROWS = {0, 1, 3, 8, 9, 64};
    /** [out, in]: single element, tiny, odd, unaligned to 32, crossing kc = 256 and the 1024-column chunk. */
    private static final int[][] WEIGHTS = {{1, 1}, {3, 5}, {17, 33}, {33, 129}, {100, 300}, {40, 1100}, {257, 96}};

    enum Format {
        NF4((x, s) -> Nf4Tensor.quantize(x, s, Nf4Options.DEFAULT)),
        NF4_BS32_DOUBLE((x, s) -> Nf4Tensor.quantize(x, s, new Nf4Options(32, true))),
        INT4_GROUP32((x, s) -> IntTensor.quantize(x, s, new IntOptions(4, 32, false))),
        INT4_ROW((x, s) -> IntTensor.quantize(x, s, new IntOptions(4, IntOptions.WHOLE_ROW, false))), // PTQ's layout
        INT3_ROW((x, s) -> IntTensor.quantize(x, s, new IntOptions(3, IntOptions.WHOLE_ROW, false))), // W3 PTQ: 8 codes in 3 bytes
        INT2_GROUP32((x, s) -> IntTensor.quantize(x, s, new IntOptions(2, 32, false))),
        INT6_ROW((x, s) -> IntTensor.quantize(x, s, new IntOptions(6, IntOptions.WHOLE_ROW, true))),
        INT8_ROW((x, s) -> IntTensor.quantize(x, s, new IntOptions(8, IntOptions.WHOLE_ROW, true)));

        final BiFunction<float[], int[], QuantizedTensor> quantize;

        Format(BiFunction<float[], int[], QuantizedTensor> quantize) {
            this.quantize = quantize;
        }
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(ORIGINAL_THREADS);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Format f : Format.values()) {
            for (int[] w : WEIGHTS) {
                for (int rows : ROWS) out.add(Arguments.of(f, rows, w[0], w[1]));
            }
        }
        return out.stream();
    }

    static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    static QuantizedTensor weight(Format f, int out, int in) {
        return f.quantize.apply(random(out * 31L + in, out * in), new int[] {out, in});
    }

    @ParameterizedTest(name = "{0} rows={1} W=[{2}, {3}]")
    @MethodSource("cases")
    void forwardMatchesDequantizeThenScalarGemm(Format f, int rows, int out, int in) {
        QuantizedTensor w = weight(f, out, in);
        float[] x = random(rows + 1, rows * in);
        for (float beta : new float[] {0f, -0.5f}) {
            float[] c0 = beta == 0f ? nans(rows * out + 3) : random(rows + 2, rows * out + 3);
            float[] expected = c0.clone(), actual = c0.clone();
            new ScalarGemm().sgemm(false, true, rows, out, in, 1f, x, 0, in, w.dequantize(), 0, in, beta, expected, 2, out);
            QuantizedGemm.forward(rows, x, 0, w, beta, actual, 2);
            assertClose(expected, actual, x, w.dequantize(), c0, rows, out, in, true, beta, 2);
        }
    }

    @ParameterizedTest(name = "{0} rows={1} W=[{2}, {3}]")
    @MethodSource("cases")
    void inputGradientMatchesDequantizeThenScalarGemm(Format f, int rows, int out, int in) {
        QuantizedTensor w = weight(f, out, in);
        float[] dy = random(rows + 3, rows * out + 1);
        for (float beta : new float[] {0f, 1f}) {
            float[] c0 = beta == 0f ? nans(rows * in) : random(rows + 4, rows * in);
            float[] expected = c0.clone(), actual = c0.clone();
            new ScalarGemm().sgemm(false, false, rows, in, out, 1f, dy, 1, out, w.dequantize(), 0, in, beta, expected, 0, in);
            QuantizedGemm.inputGradient(rows, dy, 1, w, beta, actual, 0);
            assertClose(expected, actual, Arrays.copyOfRange(dy, 1, dy.length), w.dequantize(), c0, rows, in, out,
                    false, beta, 0);
        }
    }

    /** Big enough to be split over threads on both paths; every thread count gives the same bits. */
    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        int[][] shapes = {{4, 600, 700}, {200, 300, 640}};
        for (int[] s : shapes) {
            QuantizedTensor w = weight(Format.NF4, s[1], s[2]);
            float[] x = random(5, s[0] * s[2]), dy = random(6, s[0] * s[1]);
            float[][] y = new float[3][], dx = new float[3][];
            for (int t = 1; t <= 3; t++) {
                Parallel.setThreads(t);
                y[t - 1] = new float[s[0] * s[1]];
                dx[t - 1] = new float[s[0] * s[2]];
                QuantizedGemm.forward(s[0], x, 0, w, 0f, y[t - 1], 0);
                QuantizedGemm.inputGradient(s[0], dy, 0, w, 0f, dx[t - 1], 0);
            }
            for (int t = 1; t < 3; t++) {
                assertEquals(Arrays.toString(y[0]), Arrays.toString(y[t]), "forward, threads " + (t + 1));
                assertEquals(Arrays.toString(dx[0]), Arrays.toString(dx[t]), "input gradient, threads " + (t + 1));
            }
        }
    }

    @Test
    void arraysTooShortAreRejected() {
        QuantizedTensor w = weight(Format.NF4, 4, 8);
        assertThrows(IllegalArgumentException.class, () -> QuantizedGemm.forward(2, new float[15], 0, w, 0f, new float[8], 0));
        assertThrows(IllegalArgumentException.class, () -> QuantizedGemm.forward(2, new float[16], 0, w, 0f, new float[7], 0));
        assertThrows(IllegalArgumentException.class, () -> QuantizedGemm.inputGradient(-1, new float[8], 0, w, 0f, new float[8], 0));
    }

    private static float[] nans(int n) {
        float[] x = new float[n];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    /**
     * Per element of C: |fast − reference| ≤ GEMM_REL_TOL·(Σₚ|aᵢₚ||op(W)ₚⱼ| + |beta·c|), and the
     * elements around C untouched.
     */
    private static void assertClose(float[] expected, float[] actual, float[] a, float[] w, float[] c0,
                                    int m, int n, int k, boolean transW, float beta, int cOff) {
        for (int idx = 0; idx < expected.length; idx++) {
            int e = idx - cOff;
            if (e < 0 || e >= m * n) {
                assertEquals(Float.floatToRawIntBits(c0[idx]), Float.floatToRawIntBits(actual[idx]), "outside C at " + idx);
                continue;
            }
            int i = e / n, j = e % n;
            double mag = beta == 0f ? 0 : Math.abs((double) beta * c0[idx]);
            for (int p = 0; p < k; p++) mag += Math.abs((double) a[i * k + p] * (transW ? w[j * k + p] : w[p * n + j]));
            double tol = GemmChecks.GEMM_REL_TOL * mag;
            if (!(Math.abs(expected[idx] - actual[idx]) <= tol)) {
                throw new AssertionError("C[" + i + "][" + j + "]: expected " + expected[idx] + " got " + actual[idx]
                        + " (tolerance " + tol + ")");
            }
        }
    }
}
