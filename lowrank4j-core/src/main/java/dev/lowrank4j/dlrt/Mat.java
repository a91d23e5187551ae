package dev.lowrank4j.dlrt;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.linalg.ThinQr;

/** The few small dense-matrix steps of the KLS integrator, on row-major float arrays. */
final class Mat {
    private Mat() {}

    /** op(A)·op(B) with op(A) m×k and op(B) k×n, in a new array. */
    static float[] mul(float[] a, boolean transA, float[] b, boolean transB, int m, int n, int k) {
        float[] c = new float[m * n];
        Gemm.matmul(a, transA, b, transB, c, m, n, k, 0f);
        return c;
    }

    /** The first {@code w} columns of [A | B] (A m×ra, B m×rb, w ≤ ra + rb). */
    static float[] firstColumnsOf(float[] a, int ra, float[] b, int rb, int m, int w) {
        float[] out = new float[m * w];
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < w; c++) out[i * w + c] = c < ra ? a[i * ra + c] : b[i * rb + c - ra];
        }
        return out;
    }

    /** An orthonormal basis of the columns (m×r, m ≥ r), padded with orthonormal directions when rank-deficient. */
    static float[] orthonormal(float[] a, int m, int r) {
        return ThinQr.orthonormalBasis(a, m, r);
    }

    /** The first {@code keep} columns of a row-major double matrix rows×cols, as floats. */
    static float[] leadingColumns(double[] a, int rows, int cols, int keep) {
        float[] out = new float[rows * keep];
        for (int i = 0; i < rows; i++) for (int c = 0; c < keep; c++) out[i * keep + c] = (float) a[i * cols + c];
        return out;
    }

    static float[] diagonal(double[] values, int r) {
        float[] d = new float[r * r];
        for (int i = 0; i < r; i++) d[i * r + i] = (float) values[i];
        return d;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
