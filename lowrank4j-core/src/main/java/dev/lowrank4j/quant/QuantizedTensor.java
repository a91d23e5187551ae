package dev.lowrank4j.quant;

import dev.lowrank4j.kernels.PackedMatrix;

/**
 * A float tensor stored in a packed low-bit format. As a {@link PackedMatrix} it is seen as
 * [shape[0], numel / shape[0]] (a 1-D tensor as one row), which for a linear weight [out, in] is
 * the weight itself.
 */
public interface QuantizedTensor extends PackedMatrix {
    /** Format name as the CLI and the memory ledger spell it: "nf4", "int4", "int8". */
    String format();

    int[] shape();

    int numel();

    /** All values as float32, row-major. */
    float[] dequantize();

    /** The same format with the same settings (block size, scheme...) applied to new values of the same shape. */
    QuantizedTensor requantize(float[] values);

    /** Bytes this tensor holds: codes plus scales (shared code tables excluded). */
    long bytes();
}
