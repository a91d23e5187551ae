package dev.lowrank4j.quant;

import dev.lowrank4j.Lowrank4jException;

/** Quantizers take only finite inputs: a NaN or infinity would poison a whole block's scale. */
public final class FiniteValues {
    private FiniteValues() {}

    /** Throws a one-line error naming {@code what} and the first bad element. */
    public static void require(float[] x, String what) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new Lowrank4jException("cannot quantize " + what + ": element " + i + " is " + x[i]
                        + " (only finite values can be quantized)");
            }
        }
    }
}
