package dev.lowrank4j.bounds;

import dev.lowrank4j.nn.Parameter;

/**
 * λ ‖WᵀW − I‖_F² for a weight W [out, in] with out ≥ in: zero exactly when every singular value
 * of W is 1, so it pulls the singular values toward 1 — what the Koopman factor rewards (the
 * paper suggests a regularizer of this kind; its exact form is unverified, see docs/BOUNDS.md).
 * Gradient: 4λ W (WᵀW − I).
 */
public final class OrthogonalityPenalty {
    private OrthogonalityPenalty() {}

    /** Adds the penalty's gradient to {@code w.grad()} and returns the penalty. */
    public static double addGradient(Parameter w, double lambda) {
        int rows = w.shape()[0], cols = w.shape()[1];
        float[] a = w.data(), g = w.grad().data;
        double[] e = gramMinusIdentity(a, rows, cols);
        double value = 0;
        for (double v : e) value += v * v;
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) {
                double acc = 0;
                // e is symmetric: read its row c (contiguous) instead of its column
                for (int k = 0; k < cols; k++) acc += a[i * cols + k] * e[c * cols + k];
                g[i * cols + c] += (float) (4 * lambda * acc);
            }
        }
        return lambda * value;
    }

    public static double value(float[] a, int rows, int cols, double lambda) {
        double value = 0;
        for (double v : gramMinusIdentity(a, rows, cols)) value += v * v;
        return lambda * value;
    }

    /** WᵀW − I, cols×cols, in double. */
    private static double[] gramMinusIdentity(float[] a, int rows, int cols) {
        double[] e = new double[cols * cols];
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < cols; p++) {
                double ap = a[r * cols + p];
                if (ap == 0) continue;
                for (int q = 0; q < cols; q++) e[p * cols + q] += ap * a[r * cols + q];
            }
        }
        for (int p = 0; p < cols; p++) e[p * cols + p] -= 1;
        return e;
    }
}
