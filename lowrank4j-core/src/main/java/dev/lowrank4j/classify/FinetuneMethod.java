package dev.lowrank4j.classify;

import dev.lowrank4j.Lowrank4jException;

import java.util.Locale;

/**
 * How the encoder is fine-tuned; the classification head is trained in every case (PEFT's
 * {@code modules_to_save}). Default learning rates come from a quick sweep on SpamAssassin with
 * MiniLM (80 steps of batch 16 at 128 tokens, cosine with 6% warmup, seed 42, three rates per
 * method): full 5e-5/1e-4/2e-4, LoRA 5e-4/1e-3/3e-3, LoLDU 1e-2/3e-2/1e-1. The small MiniLM
 * prefers the upper end of the usual BERT range, LoRA about 20× that, LoLDU's few scalars more.
 */
public enum FinetuneMethod {
    /** Every encoder parameter trains. */
    FULL(1e-4),
    /** LoRA on the attention query and value projections (PEFT's BERT default targets). */
    LORA(2e-3),
    /** PeriodicLoRA: LoRA whose update is merged into the base weight and restarted every stage. */
    PLORA(2e-3),
    /** LoLDU on query and value: only r diagonal scalars per layer train. */
    LOLDU(3e-2);

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
