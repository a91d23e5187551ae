package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.Lowrank4jException;

/**
 * How a fresh adapter's factors start, named as PEFT's {@code init_lora_weights} values.
 */
public enum LoraInit {
    /** PEFT {@code true}: A ~ U(−1/√in, 1/√in) (nn.Linear's kaiming_uniform with a=√5), B = 0: a no-op at init. */
    KAIMING_UNIFORM,
    /** PEFT {@code "gaussian"}: A ~ N(0, 1/r²), B = 0. */
    GAUSSIAN,
    /**
     * PEFT {@code "pissa"}: the adapter takes W's top-r singular part and the base weight keeps the
     * rest, so the model is unchanged but the base weight is modified.
     */
    PISSA,
    /** PEFT {@code false}: both factors keep nn.Linear's default uniform init; the adapter changes the output (debugging only). */
    NONE;

    /** The value PEFT writes in {@code init_lora_weights}: a boolean or a string. */
    public Object peftValue() {
        return switch (this) {
            case KAIMING_UNIFORM -> Boolean.TRUE;
            case GAUSSIAN -> "gaussian";
            case PISSA -> "pissa";
            case NONE -> Boolean.FALSE;
        };
    }

    /** Parses PEFT's {@code init_lora_weights} (true, false, "gaussian", "pissa"); other PEFT inits are not implemented. */
    public static LoraInit fromPeft(Object value) {
        if (Boolean.TRUE.equals(value)) return KAIMING_UNIFORM;
        if (Boolean.FALSE.equals(value)) return NONE;
        if ("gaussian".equals(value)) return GAUSSIAN;
        if ("pissa".equals(value)) return PISSA;
        throw new Lowrank4jException("init_lora_weights " + (value instanceof String s ? "'" + s + "'" : String.valueOf(value))
                + " is not supported; supported: true, false, \"gaussian\", \"pissa\"");
    }

    /** Parses a CLI spelling: PEFT's names plus "kaiming"/"default" for true and "none" for false. */
    public static LoraInit parse(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "kaiming", "kaiming_uniform", "default" -> KAIMING_UNIFORM;
            case "gaussian" -> GAUSSIAN;
            case "pissa" -> PISSA;
            case "false", "none" -> NONE;
            default -> throw new Lowrank4jException("unknown LoRA init '" + text + "'; expected kaiming, gaussian, pissa or none");
        };
    }
}
