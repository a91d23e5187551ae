package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;

/** Builds padded, offset GEMM operands and compares a kernel with {@link ScalarGemm}. */
final class GemmChecks {
    /**
     * Allowed |fast − reference| relative to |alpha|·Σₚ|a||b| + |beta·c|: about 170 float ulps,
     * room for two float accumulations over k ≤ ~1000 summed in different orders.
     */
    static final double GEMM_REL_TOL = 1e-5;
    /** Extra elements before each matrix, so kernels must honour offsets. */
    static final int OFFSET = 7;
    /** Extra columns per stored row, so kernels must honour leading dimensions. */
    static final int LD_PAD = 3;

    private GemmChecks() {}

    /** One sgemm call: shape, transposes, scalars and padded operands. */
    record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        static Case random(long seed, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
            Random rnd = new Random(seed);
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = aCols + LD_PAD, ldb = bCols + LD_PAD, ldc = n + LD_PAD;
            return new Case(transA, transB, m, n, k, alpha, beta,
                    filled(rnd, OFFSET + aRows * lda), lda, filled(rnd, OFFSET + bRows * ldb), ldb,
                    filled(rnd, OFFSET + m * ldc), ldc);
        }

        Case withC(float[] newC) {
            return new Case(transA, transB, m, n, k, alpha, beta, a, lda, b, ldb, newC, ldc);
        }

        float[] run(GemmKernel kernel) {
            float[] out = c.clone();
            kernel.sgemm(transA, transB, m, n, k, alpha, a, OFFSET, lda, b, OFFSET, ldb, beta, out, OFFSET, ldc);
            return out;
        }

        /** |alpha|·Σₚ|op(A)ᵢₚ||op(B)ₚⱼ| + |beta·cᵢⱼ|: the scale of rounding error in cᵢⱼ. */
        double magnitude(int i, int j) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float av = transA ? a[OFFSET + p * lda + i] : a[OFFSET + i * lda + p];
                float bv = transB ? b[OFFSET + j * ldb + p] : b[OFFSET + p * ldb + j];
                s += Math.abs((double) av * bv);
            }
            double old = beta == 0f ? 0 : Math.abs((double) beta * c[OFFSET + i * ldc + j]);
            return Math.abs(alpha) * s + old;
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta;
        }
    }

    static float[] filled(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }

    static float[] nans(int size) {
        float[] x = new float[size];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    /** Runs kernel and reference on the same case; checks C inside and untouched padding outside. */
    static void assertMatchesReference(GemmKernel kernel, Case cs) {
        float[] expected = cs.run(new ScalarGemm());
        float[] actual = cs.run(kernel);
        for (int idx = 0; idx < actual.length; idx++) {
            int rel = idx - OFFSET;
            int i = rel < 0 ? -1 : rel / cs.ldc, j = rel < 0 ? -1 : rel % cs.ldc;
            boolean inside = rel >= 0 && i < cs.m && j < cs.n;
            if (!inside) {
                // Padding and offset area must be left exactly as it was (NaN stays NaN).
                int at = idx;
                assertEquals(Float.floatToRawIntBits(cs.c[at]), Float.floatToRawIntBits(actual[at]),
                        () -> cs + ": wrote outside C at index " + at);
                continue;
            }
            double tol = GEMM_REL_TOL * Math.max(cs.magnitude(i, j), Float.MIN_NORMAL);
            double err = Math.abs((double) actual[idx] - expected[idx]);
            if (!(err <= tol)) {
                fail(cs + ": C[" + i + "][" + j + "] = " + actual[idx] + ", reference " + expected[idx]
                        + " (error " + err + " > " + tol + ")");
            }
        }
    }
}
