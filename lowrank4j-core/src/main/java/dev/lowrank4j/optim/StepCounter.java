package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;

/**
 * A per-parameter step count stored as a float tensor (checkpoints hold float tensors only).
 * A float holds integers exactly only up to 2²⁴, so the count is split into three 21-bit
 * pieces, each exact. (Format-1 checkpoints held AdamW's counts as one float; those still load.)
 */
final class StepCounter {
    private static final int BITS = 21;
    private static final long MASK = (1L << BITS) - 1;

    private StepCounter() {}

    static Tensor encode(long steps) {
        if (steps < 0) throw new IllegalArgumentException("negative step count " + steps);
        return new Tensor(new float[] {steps & MASK, (steps >>> BITS) & MASK, steps >>> (2 * BITS)}, 3);
    }

    static long decode(Tensor t, String key) {
        if (t.size() == 1 && t.data[0] >= 0 && t.data[0] == Math.rint(t.data[0])) {
            return (long) t.data[0]; // checkpoint format 1 stored AdamW's counts as one float
        }
        if (t.size() != 3) throw new Lowrank4jException("optimizer state '" + key + "' has " + t.size() + " values, expected 3");
        long steps = 0;
        for (int i = 2; i >= 0; i--) {
            float piece = t.data[i];
            if (piece < 0 || piece > MASK || piece != Math.rint(piece)) {
                throw new Lowrank4jException("optimizer state '" + key + "' is not a step count");
            }
            steps = (steps << BITS) | (long) piece;
        }
        return steps;
    }
}
