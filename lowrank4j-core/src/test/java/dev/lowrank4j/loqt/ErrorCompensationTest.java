package dev.lowrank4j.loqt;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.linalg.SingularTriplets;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorCompensationTest {
    private static final int OUT = 48, IN = 40, R = 6;
    private static final float S = 0.5f;

    /** An orthonormal P of the right orientation, from the SVD of a random "gradient". */
    private static float[] projection(LoqtSide side, long seed) {
        float[] g = LeastSquares.gaussian(new Rng(seed), OUT * IN, 1);
        SingularTriplets t = TopSvd.exactJava().top(g, OUT, IN, R, 0, "g");
        return side == LoqtSide.LEFT ? t.vt() : t.u();
    }

    private static double residual(float[] w, ErrorCompensation.Result res, float[] p, LoqtSide side) {
        float[] e = res.quantized().dequantize();
        ErrorCompensation.addProduct(e, OUT, IN, p, res.factor(), side, R, S);
        double s = 0;
        for (int i = 0; i < w.length; i++) s += (double) (w[i] - e[i]) * (w[i] - e[i]);
        return Math.sqrt(s);
    }

    @Test
    void compensationNeverDoesWorseThanNoFactorAndReportsItsError() {
        float[] w = LeastSquares.gaussian(new Rng(1), OUT * IN, 0.05);
        for (LoqtSide side : LoqtSide.values()) {
            float[] p = projection(side, 2);
            double plain = ErrorCompensation.run(w, OUT, IN, p, side, R, S, 0, Nf4Options.DEFAULT, "w").error();
            for (int c : new int[] {1, 5}) {
                ErrorCompensation.Result res = ErrorCompensation.run(w, OUT, IN, p, side, R, S, c, Nf4Options.DEFAULT, "w");
                assertEquals(plain, res.plainError(), 1e-9);
                assertTrue(res.error() < plain, side + " C=" + c + ": " + res.error() + " vs " + plain);
                assertEquals(residual(w, res, p, side), res.error(), 1e-5 * plain, "reported error is the true residual");
            }
            double c1 = ErrorCompensation.run(w, OUT, IN, p, side, R, S, 1, Nf4Options.DEFAULT, "w").error();
            double c5 = ErrorCompensation.run(w, OUT, IN, p, side, R, S, 5, Nf4Options.DEFAULT, "w").error();
            assertTrue(c5 <= c1, "keeping the best of more iterations cannot be worse");
        }
    }

    @Test
    void withoutIterationsTheFactorIsZeroAndWIsPlainNf4() {
        float[] w = LeastSquares.gaussian(new Rng(3), OUT * IN, 0.05);
        ErrorCompensation.Result res = ErrorCompensation.run(w, OUT, IN, projection(LoqtSide.LEFT, 4), LoqtSide.LEFT, R, S, 0,
                Nf4Options.DEFAULT, "w");
        assertArrayEquals(new float[OUT * R], res.factor());
        assertArrayEquals(Nf4Tensor.quantize(w, new int[] {OUT, IN}, Nf4Options.DEFAULT).codes(), res.quantized().codes());
    }

    @Test
    void firstIterationRemovesTheErrorInPsSpace() {
        // left: (W − deq Q − s·B·P)·Pᵀ = 0 for an orthonormal P, since B = E·Pᵀ/s
        float[] w = LeastSquares.gaussian(new Rng(5), OUT * IN, 0.05);
        float[] p = projection(LoqtSide.LEFT, 6);
        ErrorCompensation.Result res = ErrorCompensation.run(w, OUT, IN, p, LoqtSide.LEFT, R, S, 1, Nf4Options.DEFAULT, "w");
        float[] e = res.quantized().dequantize();
        ErrorCompensation.addProduct(e, OUT, IN, p, res.factor(), LoqtSide.LEFT, R, S);
        for (int i = 0; i < OUT; i++) {
            for (int k = 0; k < R; k++) {
                double dot = 0;
                for (int j = 0; j < IN; j++) dot += (w[i * IN + j] - e[i * IN + j]) * p[k * IN + j];
                assertEquals(0, dot, 1e-5);
            }
        }
    }

    @Test
    void pinvInvertsBothOrientationsAndRankDeficientMatrices() {
        float[] a = LeastSquares.gaussian(new Rng(7), 4 * 9, 1);
        for (boolean wide : new boolean[] {true, false}) {
            int rows = wide ? 4 : 9, cols = wide ? 9 : 4;
            float[] m = wide ? a : transpose(a, 4, 9);
            float[] pinv = Pinv.of(m, rows, cols); // cols × rows
            // A·A⁺·A = A
            float[] back = mul(mul(m, rows, cols, pinv, rows), rows, rows, m, cols);
            for (int i = 0; i < m.length; i++) assertEquals(m[i], back[i], 1e-4);
        }
        float[] deficient = new float[3 * 5]; // two equal rows: rank 2
        for (int j = 0; j < 5; j++) deficient[j] = deficient[5 + j] = j + 1;
        for (int j = 0; j < 5; j++) deficient[10 + j] = (j % 2 == 0) ? 1 : -1;
        float[] back = mul(mul(deficient, 3, 5, Pinv.of(deficient, 3, 5), 3), 3, 3, deficient, 5);
        for (int i = 0; i < deficient.length; i++) assertEquals(deficient[i], back[i], 1e-4);
    }

    @Test
    void nonFiniteWeightsAreRefusedBeforeQuantizing() {
        float[] w = LeastSquares.gaussian(new Rng(8), OUT * IN, 0.05);
        w[17] = Float.NaN;
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> ErrorCompensation.run(w, OUT, IN,
                projection(LoqtSide.LEFT, 9), LoqtSide.LEFT, R, S, 2, Nf4Options.DEFAULT, "layer.weight"));
        assertTrue(e.getMessage().contains("element 17 is NaN"), e.getMessage());
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        return t;
    }

    private static float[] mul(float[] a, int n, int k, float[] b, int m) {
        float[] c = new float[n * m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) {
            double s = 0;
            for (int t = 0; t < k; t++) s += a[i * k + t] * b[t * m + j];
            c[i * m + j] = (float) s;
        }
        return c;
    }
}
