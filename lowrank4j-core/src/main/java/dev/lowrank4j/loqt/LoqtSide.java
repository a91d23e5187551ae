package dev.lowrank4j.loqt;

/**
 * Which factor of s·B·P trains, by the layer's shape as the authors' {@code determine_projection_type}:
 * LEFT when in ≤ out (P = lora_A [r, in] is the frozen projection, B = lora_B [out, r] trains),
 * RIGHT otherwise (P = lora_B [out, r] is frozen, A = lora_A [r, in] trains). Either way the
 * trainable factor lies along the longer side and P along the shorter one.
 */
public enum LoqtSide {
    LEFT, RIGHT;

    public static LoqtSide of(int in, int out) {
        return in <= out ? LEFT : RIGHT;
    }
}
