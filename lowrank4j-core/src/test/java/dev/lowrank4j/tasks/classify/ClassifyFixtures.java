package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.data.spam.SpamFixture;
import dev.lowrank4j.models.bert.BertConfig;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.models.bert.WordPieceTokenizer;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Shared test inputs: the synthetic corpus, MiniLM's real tokenizer and a tiny random BERT that uses its vocabulary. */
final class ClassifyFixtures {
    /** Short enough that the tiny model trains in milliseconds, long enough that most fixture texts are truncated. */
    static final int TEST_MAX_TOKENS = 32;
    /** MiniLM's vocabulary, so the real tokenizer's ids index the tiny encoder's embedding table. */
    static final BertConfig TINY = new BertConfig(30522, 32, 2, 4, 64, 64, 2, 1e-12);

    private static final Map<Integer, WordPieceTokenizer> TOKENIZERS = new HashMap<>();

    private ClassifyFixtures() {}

    static Path fixtureDir() {
        return SpamFixture.dir();
    }

    static synchronized WordPieceTokenizer tokenizer(int maxTokens) {
        return TOKENIZERS.computeIfAbsent(maxTokens, n -> WordPieceTokenizer.fromResource(MiniLm.TOKENIZER_RESOURCE, n));
    }

    /** A randomly initialised, frozen 2-layer encoder (frozen like {@link MiniLm#load()} returns it). */
    static BertEncoder tinyEncoder(long seed) {
        BertEncoder encoder = new BertEncoder(TINY, seed);
        encoder.setTrainable(false);
        return encoder;
    }
}
