package dev.lowrank4j.loqt;

import dev.lowrank4j.io.bnb.Bnb4bitCheckpoint;
import dev.lowrank4j.models.llama.LlamaConfig;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A LoQT model as a bitsandbytes 4-bit Hugging Face folder: every targeted {@code <path>.weight}
 * is NF4 of the merged weight deq(W) + s·B·P (what the plain folder holds, re-encoded once) in the
 * layout transformers writes ({@link Bnb4bitCheckpoint}); embeddings, norms and head stay float32.
 */
public final class Nf4Export {
    private Nf4Export() {}

    public static void save(Path dir, LlamaConfig cfg, LoqtAdapters loqt) {
        Set<String> quantized = new HashSet<>();
        loqt.byPath().keySet().forEach(p -> quantized.add(p + ".weight"));
        Bnb4bitCheckpoint.write(dir, cfg, loqt.mergedWeights(), quantized, loqt.config().nf4());
    }
}
