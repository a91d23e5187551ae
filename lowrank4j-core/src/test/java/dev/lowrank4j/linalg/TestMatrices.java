package dev.lowrank4j.linalg;

import dev.lowrank4j.util.Rng;

/** Matrices with known structure and the measurements the decomposition tests make on them. */
public final class TestMatrices {
    private TestMatrices() {}

    public static float[] gaussian(int rows, int cols, long seed) {
        Rng rng = new Rng(seed);
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    /** U·diag(σ)·Vᵀ with random orthonormal U (rows×k), V (cols×k), computed in double. */
    public static float[] withSpectrum(int rows, int cols, double[] sigma, long seed) {
        int k = sigma.length;
        float[] u = ThinQr.orthonormalBasis(gaussian(rows, k, seed), rows, k);
        float[] v = ThinQr.orthonormalBasis(gaussian(cols, k, seed + 1), cols, k);
        float[] a = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double acc = 0;
                for (int c = 0; c < k; c++) acc += (double) u[i * k + c] * sigma[c] * v[j * k + c];
                a[i * cols + j] = (float) acc;
            }
        }
        return a;
    }

    /** σ_i = decay^i for i in [0, count). */
    public static double[] geometric(int count, double decay) {
        double[] s = new double[count];
        for (int i = 0; i < count; i++) s[i] = Math.pow(decay, i);
        return s;
    }

    /** The columns of a row-major rows×cols matrix as its transpose (so rows of vt become columns). */
    public static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        }
        return t;
    }

    /** max |QᵀQ − I| for a row-major rows×cols Q. */
    public static double orthonormalityError(float[] q, int rows, int cols) {
        double worst = 0;
        for (int a = 0; a < cols; a++) {
            for (int b = 0; b < cols; b++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) dot += (double) q[i * cols + a] * q[i * cols + b];
                worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        return worst;
    }

    /** ‖P·Pᵀ − Q·Qᵀ‖_F for row-major rows×cols bases P and Q: sign- and rotation-blind. */
    public static double projectorDistance(float[] p, float[] q, int rows, int cols) {
        double sumSq = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rows; j++) {
                double pp = 0, qq = 0;
                for (int c = 0; c < cols; c++) {
                    pp += (double) p[i * cols + c] * p[j * cols + c];
                    qq += (double) q[i * cols + c] * q[j * cols + c];
                }
                sumSq += (pp - qq) * (pp - qq);
            }
        }
        return Math.sqrt(sumSq);
    }

    /** max |A − U·diag(s)·Vᵀ| / max |A|. */
    public static double relativeReconstructionError(float[] a, SingularTriplets t) {
        int r = t.rank(), n = t.cols();
        double worst = 0, scale = 0;
        for (int i = 0; i < t.rows(); i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int c = 0; c < r; c++) acc += (double) t.u()[i * r + c] * t.s()[c] * t.vt()[c * n + j];
                worst = Math.max(worst, Math.abs(acc - a[i * n + j]));
                scale = Math.max(scale, Math.abs(a[i * n + j]));
            }
        }
        return worst / scale;
    }

    public static boolean allFinite(float[] a) {
        for (float x : a) if (!Float.isFinite(x)) return false;
        return true;
    }
}
