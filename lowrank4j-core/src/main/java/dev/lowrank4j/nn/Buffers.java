package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;

/**
 * Reuse of per-layer work buffers. A training loop calls forward and backward with the same shapes
 * every step, so each layer keeps its output and gradient buffers and reallocates only when the
 * shape changes; the steady state allocates nothing. Public so models and adapters follow the same
 * rule.
 */
public final class Buffers {
    private Buffers() {}

    /** {@code current} when it already has shape [rows, cols], else a fresh zeroed tensor. */
    public static Tensor matrix(Tensor current, int rows, int cols) {
        if (current != null && current.rank() == 2 && current.dim(0) == rows && current.dim(1) == cols) {
            return current;
        }
        return Tensor.zeros(rows, cols);
    }

    /** {@code current} when it already has {@code shape} (any rank, e.g. an NCHW image batch), else a fresh zeroed tensor. */
    public static Tensor shaped(Tensor current, int... shape) {
        return current != null && current.sameShape(shape) ? current : Tensor.zeros(shape);
    }

    /** {@code current} when it holds exactly {@code n} floats, else a fresh zeroed array. */
    public static float[] array(float[] current, int n) {
        return current != null && current.length == n ? current : new float[n];
    }

    public static int[] ints(int[] current, int n) {
        return current != null && current.length == n ? current : new int[n];
    }

    public static long bytes(Tensor t) {
        return t == null ? 0 : t.bytes();
    }

    public static long bytes(float[] a) {
        return a == null ? 0 : 4L * a.length;
    }
}
