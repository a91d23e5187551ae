package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Training methods compared in the memory tables, with the per-matrix formulas the papers print
 * for a targeted m×n weight, m ≤ n (GaLore Table 1, Fira Table 2).
 */
public enum MemoryMethod {
    FULL("full", "mn", "mn", "2mn"),
    GALORE("galore", "mn", "mn", "mr + 2nr"),
    FIRA("fira", "mn", "mn", "mr + 2nr + 1"),
    LORA("lora", "mn + mr + nr", "mr + nr", "2mr + 2nr"),
    /** LoQT (paper Table 3): mn and mr are NF4; {@code memory --method loqt} prints its byte ledger. */
    LOQT("loqt", "mn + mr + nr (mn and mr in NF4)", "nr", "2nr");

    public final String key;
    public final String weightsFormula, gradientsFormula, optimizerFormula;

    MemoryMethod(String key, String weights, String gradients, String optimizer) {
        this.key = key;
        this.weightsFormula = weights;
        this.gradientsFormula = gradients;
        this.optimizerFormula = optimizer;
    }

    public boolean usesRank() {
        return this != FULL;
    }

    public static MemoryMethod parse(String key) {
        for (MemoryMethod m : values()) {
            if (m.key.equalsIgnoreCase(key)) return m;
        }
        throw new Lowrank4jException("unknown method '" + key + "'; valid: "
                + Arrays.stream(values()).map(m -> m.key).collect(Collectors.joining(", ")));
    }
}
