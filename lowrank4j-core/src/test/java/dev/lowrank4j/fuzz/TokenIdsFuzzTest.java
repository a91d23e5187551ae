package dev.lowrank4j.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lowrank4j.data.ByteTokenizer;
import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.nn.Embedding;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

/**
 * Token-id inputs: a corpus file tokenized and split into train/validation/test windows with
 * user-chosen fractions and sequence length, and arbitrary ids given to an embedding.
 */
class TokenIdsFuzzTest {
    private static final int VOCAB = 7;

    @FuzzTest(maxDuration = "10s")
    void corpusWindowsAndIds(FuzzedDataProvider data) {
        double val = data.consumeDouble(), test = data.consumeDouble();
        int seq = data.consumeInt(), batch = data.consumeInt(1, 4);
        int[] ids = data.consumeInts(16);
        byte[] corpus = data.consumeRemainingAsBytes();
        FuzzInputs.expectOnlyProjectErrors(() -> {
            TokenDataset ds = new TokenDataset(ByteTokenizer.encode(corpus), val, test, seq);
            ds.sampleTrain(new Rng(1), batch, seq);
            if (ds.valWindows(seq) > 0) ds.valBatch(0, batch, seq);
            if (ds.testWindows(seq) > 0) ds.testBatch(0, batch, seq);
        });
        Embedding e = new Embedding(new Parameter("embed", new Tensor(new float[VOCAB * 2], VOCAB, 2)));
        FuzzInputs.expectOnlyProjectErrors(() -> e.forward(ids));
    }
}
