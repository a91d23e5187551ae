package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;

import java.util.SplittableRandom;

/**
 * A small random BERT with deliberately odd sizes (head_dim 5, intermediate 13, sequence 7) and
 * weights large enough that every nonlinearity (softmax, GELU, LayerNorm) is far from linear, so a
 * gradient check exercises every term.
 */
final class TinyBert {
    static final BertConfig CONFIG = new BertConfig(17, 10, 2, 2, 13, 9, 2, 1e-12);
    static final int BATCH = 2;
    static final int SEQ = 7;
    /** Second sequence padded after 4 tokens, plus one padding hole inside the first. */
    static final int[] MASK = {1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
    static final int[] IDS = {3, 16, 5, 0, 9, 2, 11, 4, 4, 7, 1, 0, 0, 0};
    static final int[] TYPES = {0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0};

    private TinyBert() {}

    static BertEncoder randomEncoder(long seed) {
        BertEncoder encoder = new BertEncoder(CONFIG, seed);
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : encoder.parameters()) randomize(p, rng);
        return encoder;
    }

    static void randomize(Parameter p, SplittableRandom rng) {
        if (p.name().endsWith("LayerNorm.weight")) GradCheck.fillRandom(p, rng, 1.0, 0.3);
        else if (p.name().endsWith(".bias")) GradCheck.fillRandom(p, rng, 0.0, 0.2);
        else GradCheck.fillRandom(p, rng, 0.0, 0.5);
    }
}
