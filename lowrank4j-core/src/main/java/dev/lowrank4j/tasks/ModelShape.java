package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.llama.LlamaConfig;

/**
 * The size flags of a LLaMA built from scratch. Converts to a {@link LlamaConfig} with the
 * LLaMA conventions of the GaLore configs (RMSNorm eps 1e-6, theta 10000, untied head).
 */
public record ModelShape(int vocab, int dim, int layers, int heads, int kvHeads, int hidden, int maxSeq) {
    public ModelShape {
        if (vocab < 2) throw new Lowrank4jException("--vocab must be >= 2, got " + vocab);
        if (dim < 1 || layers < 1 || heads < 1 || hidden < 1) {
            throw new Lowrank4jException("--dim, --layers, --heads and --hidden must be positive");
        }
        if (dim % heads != 0) throw new Lowrank4jException("--dim " + dim + " is not divisible by --heads " + heads);
        if (kvHeads < 1 || heads % kvHeads != 0) {
            throw new Lowrank4jException("--kv-heads " + kvHeads + " must divide --heads " + heads);
        }
        if ((dim / heads) % 2 != 0) {
            throw new Lowrank4jException("head dimension " + (dim / heads) + " must be even for rotary embeddings");
        }
    }

    public LlamaConfig toConfig() {
        return new LlamaConfig(vocab, dim, hidden, layers, heads, kvHeads, dim / heads, 1e-6, 10000.0,
                false, Math.max(maxSeq, 2), 0.02);
    }
}
