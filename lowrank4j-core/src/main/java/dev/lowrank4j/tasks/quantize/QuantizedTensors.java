package dev.lowrank4j.tasks.quantize;

/**
 * Names of the tensors a quantized linear {@code m} adds to {@code model.safetensors}:
 * <pre>
 *   m.weight             U8 [bytes]   codes, row-major over the whole matrix; ≤ 4 bits: two per byte,
 *                                     the first in the high nibble (ceil(out·in/2) bytes); else one per byte
 *   m.weight_scale       F32 [out]    per-row step s1
 *   m.weight_zero_point  U8 [out]     per-row zero point z; Ŵ = s1·(code − z)
 *   m.input_scale        F32 [1]      W8A8 only: the static activation grid
 *   m.input_zero_point   U8 [1]
 * </pre>
 */
final class QuantizedTensors {
    static final String CODES = ".weight";
    static final String SCALE = ".weight_scale";
    static final String ZERO = ".weight_zero_point";
    static final String INPUT_SCALE = ".input_scale";
    static final String INPUT_ZERO = ".input_zero_point";

    private QuantizedTensors() {}

    static boolean isQuantizationTensor(String name) {
        return name.endsWith(SCALE) || name.endsWith(ZERO) || name.endsWith(INPUT_SCALE) || name.endsWith(INPUT_ZERO);
    }
}
