package dev.lowrank4j.models.bert;

import dev.lowrank4j.tensor.Tensor;

import java.util.Arrays;

/** Argument checks for the BERT layers; a wrong shape here is a programming error, not a user error. */
final class Checks {
    private Checks() {}

    /** Throws unless {@code t} is [N, cols]; returns N. */
    static int rows(String layer, Tensor t, int cols) {
        if (t.rank() != 2 || t.dim(1) != cols) {
            throw new IllegalArgumentException(layer + ": expected [N, " + cols + "], got " + Arrays.toString(t.shape()));
        }
        return t.dim(0);
    }

    static void forwardDone(String layer, Object cached) {
        if (cached == null) throw new IllegalStateException(layer + ": backward called before forward");
    }
}
