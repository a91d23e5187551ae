package dev.lowrank4j.quant.intq;

import dev.lowrank4j.Lowrank4jException;

/**
 * Affine integer quantization with one scale (and zero point) per group of consecutive values in
 * a row: x ≈ scale·(q − zero).
 *
 * @param bits      2 to 8: the codes' range and their width in storage ({@link CodeStream}: 8 is one
 *                  code per byte, 4 two per byte with the first in the high nibble as NF4, 3 eight
 *                  codes per three bytes)
 * @param groupSize values per group along a row, or {@link #WHOLE_ROW} for one group per row
 *                  (per-output-channel quantization of a weight [out, in]); a row whose length is
 *                  not a multiple ends with a shorter group
 * @param symmetric scale = absmax / (2^(bits−1) − 1) and q − zero ∈ [−qmax, qmax] with a fixed
 *                  zero of 2^(bits−1) (as bitsandbytes' and QLoRA's absmax blocks); otherwise
 *                  asymmetric (min/max widened to include 0, integer zero point per group, as
 *                  PyTorch's affine observers and GPTQ use), which represents 0 exactly too
 */
public record IntOptions(int bits, int groupSize, boolean symmetric) {
    public static final int WHOLE_ROW = 0;

    public IntOptions {
        if (bits < 2 || bits > 8) throw new Lowrank4jException("integer quantization needs 2 to 8 bits, got " + bits);
        if (groupSize < 0) throw new Lowrank4jException("group size must be positive (or 0 for a whole row), got " + groupSize);
    }

    /** Largest code: 2^bits − 1. */
    int maxCode() {
        return (1 << bits) - 1;
    }

    /** The fixed zero point of the symmetric scheme: 2^(bits−1). */
    int symmetricZero() {
        return 1 << (bits - 1);
    }

    /** Group length in a row of {@code cols} values. */
    int groupLength(int cols) {
        return groupSize == WHOLE_ROW ? Math.max(1, cols) : groupSize;
    }
}
