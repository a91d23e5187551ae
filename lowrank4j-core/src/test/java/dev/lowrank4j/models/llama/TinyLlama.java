package dev.lowrank4j.models.llama;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;

import java.util.SplittableRandom;

/** Small configurations with odd sizes and grouped-query heads, for fast model-level tests. */
final class TinyLlama {
    static final int VOCAB = 37, HIDDEN = 21, INTERMEDIATE = 29, LAYERS = 2, HEADS = 3, KV_HEADS = 1, HEAD_DIM = 8;

    private TinyLlama() {}

    static LlamaConfig config(boolean tied) {
        return new LlamaConfig(VOCAB, HIDDEN, INTERMEDIATE, LAYERS, HEADS, KV_HEADS, HEAD_DIM, 1e-5, 10000.0,
                tied, 64, 0.02);
    }

    /**
     * Replaces the transformers-style init (std 0.02, which makes every layer nearly linear and every
     * gradient tiny) with weights large enough that attention, SiLU and the norms all matter.
     */
    static LlamaModel withLivelyWeights(boolean tied, long seed) {
        LlamaModel model = new LlamaModel(config(tied), seed);
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : model.parameters()) {
            if (p.value().rank() == 1) GradCheck.fillRandom(p, rng, 1, 0.2);
            else GradCheck.fillRandom(p, rng, 0, 0.3);
        }
        return model;
    }

    static int[] randomIds(SplittableRandom rng, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rng.nextInt(VOCAB);
        return ids;
    }
}
