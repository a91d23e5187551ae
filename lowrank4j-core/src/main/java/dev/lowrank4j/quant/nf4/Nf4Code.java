package dev.lowrank4j.quant.nf4;

/**
 * The NF4 code: 16 quantiles of N(0, 1) normalised to [-1, 1], with an exact zero (QLoRA;
 * values as in bitsandbytes functional.get_4bit_type("nf4"), already sorted, so a code's index
 * is its 4-bit pattern).
 */
public final class Nf4Code {
    static final float[] VALUES = {
            -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
            -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
            0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
            0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    };
    static final SortedCode CODE = new SortedCode(VALUES);
    /** Index of the code 0.0, which is also what a padding element of an odd count quantizes to. */
    static final int ZERO_INDEX = 7;

    private Nf4Code() {}

    /** The 16 values (a copy). */
    public static float[] values() {
        return VALUES.clone();
    }

    /** Largest gap between neighbouring codes (0.3038, between -1 and the next code); half of it·absmax bounds the error. */
    public static float maxGap() {
        return CODE.maxGap();
    }
}
