package dev.lowrank4j.quant.act;

/**
 * How the inputs of a quantized linear are quantized at inference (ALGORITHMS §5(a), Activations).
 * Reconstruction itself is weight-only, as in the authors' code; activations are fake-quantized
 * (rounded to the integer grid and multiplied back) only when the quantized model runs.
 */
public enum ActivationMode {
    /** A16: activations stay float. */
    NONE("none"),
    /** One asymmetric min/max grid per token (row), computed on the fly (the authors' W4A8 evaluation). */
    PER_TOKEN_DYNAMIC("per_token_dynamic"),
    /** One asymmetric grid per linear, its range fixed from calibration (W8A8 "per-tensor static"). */
    PER_TENSOR_STATIC("per_tensor_static");

    public final String id;

    ActivationMode(String id) {
        this.id = id;
    }

    public static ActivationMode parse(String s) {
        for (ActivationMode m : values()) if (m.id.equals(s)) return m;
        throw new dev.lowrank4j.Lowrank4jException("unknown activation quantization '" + s
                + "'; expected none, per_token_dynamic or per_tensor_static");
    }
}
