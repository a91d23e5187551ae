package dev.lowrank4j.classify;

import dev.lowrank4j.Lowrank4jException;

import java.util.Locale;

/**
 * How the encoder is fine-tuned; the classification head is trained in every case (PEFT's
 * {@code modules_to_save}). Default learning rates come from a short sweep on SpamAssassin with
 * MiniLM (batch 16, 128 tokens, cosine with warmup): full fine-tuning wants the usual BERT range,
 * LoRA about 20× more, LoLDU's few scalars much more again.
 */
public enum FinetuneMethod {
    /** Every encoder parameter trains. */
    FULL(5e-5),
    /** LoRA on the attention query and value projections (PEFT's BERT default targets). */
    LORA(1e-3),
    /** PeriodicLoRA: LoRA whose update is merged into the base weight and restarted every stage. */
    PLORA(1e-3),
    /** LoLDU on query and value: only r diagonal scalars per layer train. */
    LOLDU(1e-2);

    private final double defaultLr;

    FinetuneMethod(double defaultLr) {
        this.defaultLr = defaultLr;
    }

    public double defaultLr() {
        return defaultLr;
    }

    /** The CLI spelling: full, lora, plora, loldu. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FinetuneMethod parse(String text) {
        for (FinetuneMethod m : values()) if (m.cliName().equalsIgnoreCase(text.strip())) return m;
        throw new Lowrank4jException("unknown fine-tuning method '" + text + "'; expected full, lora, plora or loldu");
    }
}
