package dev.lowrank4j.quant.act;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.quant.ptq.QuantGrid;

/**
 * A post-training quantization scheme, named as the papers do: W{b}A16 (weights only), W8A8
 * (per-tensor static activations), W{b}A8 for b < 8 (per-token dynamic activations with the K and V
 * projections' outputs quantized per token to 8 bits, the authors' "W4A8KV8").
 */
public record QuantScheme(int weightBits, int activationBits, ActivationMode activation, int kvBits) {
    public static final int FLOAT_ACTIVATIONS = 16;

    public QuantScheme {
        QuantGrid.checkBits(weightBits);
    }

    /** The scheme of {@code --bits} and {@code --act-bits} (16 = float activations). */
    public static QuantScheme of(int weightBits, int activationBits) {
        QuantGrid.checkBits(weightBits);
        if (activationBits == FLOAT_ACTIVATIONS) return new QuantScheme(weightBits, FLOAT_ACTIVATIONS, ActivationMode.NONE, 0);
        if (activationBits < 2 || activationBits > 8) {
            throw new Lowrank4jException("--act-bits must be between 2 and 8 (or 16 for float activations), got " + activationBits);
        }
        return weightBits == 8
                ? new QuantScheme(weightBits, activationBits, ActivationMode.PER_TENSOR_STATIC, 0)
                : new QuantScheme(weightBits, activationBits, ActivationMode.PER_TOKEN_DYNAMIC, activationBits);
    }

    /** "W4A16", "W8A8", … */
    public String name() {
        return "W" + weightBits + "A" + activationBits;
    }

    /** Whether the K and V projections of attention get their output quantized too. */
    public static boolean isKeyOrValue(String modulePath) {
        return modulePath.endsWith("k_proj") || modulePath.endsWith("v_proj")
                || modulePath.endsWith("attention.self.key") || modulePath.endsWith("attention.self.value");
    }
}
