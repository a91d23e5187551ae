package dev.lowrank4j.bounds;

import dev.lowrank4j.kernels.Gemm;
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
        float[] a = w.data();
        float[] e = gramMinusIdentity(a, rows, cols);
        // G += 4λ·W·E on the engine's GEMM: both products are O(rows·cols²), which scalar loops made
        // the whole cost of a penalised 784-wide run
        Gemm.sgemm(false, false, rows, cols, cols, (float) (4 * lambda), a, 0, cols, e, 0, cols, 1f, w.grad().data, 0, cols);
        return lambda * sumOfSquares(e);
    }

    public static double value(float[] a, int rows, int cols, double lambda) {
        return lambda * sumOfSquares(gramMinusIdentity(a, rows, cols));
    }

    private static double sumOfSquares(float[] e) {
        double value = 0;
        for (float v : e) value += (double) v * v;
        return value;
    }

    /** WᵀW − I, cols×cols. */
    private static float[] gramMinusIdentity(float[] a, int rows, int cols) {
        float[] e = new float[cols * cols];
        Gemm.matmul(a, true, a, false, e, cols, cols, rows, 0f);
        for (int p = 0; p < cols; p++) e[p * cols + p] -= 1;
        return e;
    }
}
