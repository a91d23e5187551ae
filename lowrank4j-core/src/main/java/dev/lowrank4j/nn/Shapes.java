package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;

import java.util.Arrays;

/** Argument checks shared by the layers (public for layers outside this package, e.g. DLRT's); a wrong shape is a programming error, not a user error. */
public final class Shapes {
    private Shapes() {}

    /** Throws unless {@code t} is a matrix with {@code cols} columns; returns its row count. */
    public static int rowsWithColumns(String layer, Tensor t, int cols) {
        if (t.rank() != 2 || t.dim(1) != cols) {
            throw new IllegalArgumentException(layer + ": expected [N, " + cols + "], got "
                    + Arrays.toString(t.shape()));
        }
        return t.dim(0);
    }

    public static void requireForward(String layer, Object cached) {
        if (cached == null) throw new IllegalStateException(layer + ": backward called before forward");
    }
}
