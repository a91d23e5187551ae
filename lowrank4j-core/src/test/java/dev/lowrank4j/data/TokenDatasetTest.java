package dev.lowrank4j.data;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenDatasetTest {
    @Test
    void targetsAreInputsShiftedByOne() {
        int[] tokens = new int[1000];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i % 251;
        TokenDataset d = new TokenDataset(tokens, 0.1, 16);
        TokenDataset.Batch b = d.sampleTrain(new Rng(1), 4, 16);
        for (int i = 0; i < b.inputs().length; i++) assertEquals((b.inputs()[i] + 1) % 251, b.targets()[i]);
        TokenDataset.Batch v = d.valBatch(0, 2, 16);
        assertEquals(900 % 251, v.inputs()[0], "validation starts at the held-out tail");
    }

    @Test
    void sameSeedSameBatches() {
        int[] tokens = ByteTokenizer.encode(Corpus.embedded());
        TokenDataset d = new TokenDataset(tokens, 0.05, 64);
        assertArrayEquals(d.sampleTrain(new Rng(9), 3, 64).inputs(), d.sampleTrain(new Rng(9), 3, 64).inputs());
        assertTrue(d.trainTokens() > 1_000_000);
    }

    @Test
    void tooSmallCorpusIsAClearError() {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> new TokenDataset(new int[100], 0.05, 128));
        assertTrue(e.getMessage().contains("corpus too small"), e.getMessage());
    }

    @Test
    void byteTokenizerRoundTripsUtf8() {
        String s = "Call me Ishmael — ünïcödé";
        assertEquals(s, ByteTokenizer.decode(ByteTokenizer.encode(s)));
    }
}
