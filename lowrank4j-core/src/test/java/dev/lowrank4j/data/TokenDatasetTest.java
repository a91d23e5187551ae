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
    void threeWaySplitKeepsTrainValidationAndTestApartInTextOrder() {
        int[] tokens = new int[1000];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i;
        TokenDataset d = new TokenDataset(tokens, 0.1, 0.1, 8);
        org.junit.jupiter.api.Assertions.assertEquals(800, d.trainTokens());
        org.junit.jupiter.api.Assertions.assertEquals(100, d.valTokens());
        org.junit.jupiter.api.Assertions.assertEquals(100, d.testTokens());
        dev.lowrank4j.util.Rng rng = new dev.lowrank4j.util.Rng(1);
        for (int k = 0; k < 50; k++) for (int t : d.sampleTrain(rng, 4, 8).targets()) org.junit.jupiter.api.Assertions.assertTrue(t < 800);
        for (int t : d.valBatch(0, 4, 8).inputs()) org.junit.jupiter.api.Assertions.assertTrue(t >= 800 && t < 900);
        for (int t : d.testBatch(0, 4, 8).targets()) org.junit.jupiter.api.Assertions.assertTrue(t >= 900);
        org.junit.jupiter.api.Assertions.assertEquals(12, d.testWindows(8));
        org.junit.jupiter.api.Assertions.assertEquals(0, new TokenDataset(tokens, 0.1, 8).testWindows(8));
    }

    @Test
    void tooSmallCorpusIsAClearError() {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> new TokenDataset(new int[100], 0.05, 128));
        assertTrue(e.getMessage().contains("corpus too small"), e.getMessage());
    }

    /** Fuzzer finding: a negative test fraction ran the split past the corpus (IllegalArgumentException). */
    @Test
    void negativeOrOversizedFractionsAreAClearError() {
        int[] tokens = new int[1000];
        for (double[] f : new double[][] {{0.1, -0.1}, {-0.1, 0.1}, {0.6, 0.5}, {Double.NaN, 0.1}}) {
            Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> new TokenDataset(tokens, f[0], f[1], 8));
            assertTrue(e.getMessage().contains("fractions must be >= 0"), e.getMessage());
        }
    }

    /** Fuzzer finding: --seq 2147483647 overflowed seq + 1, passed the size check and ran out of memory. */
    @Test
    void hugeSequenceLengthIsTooSmallACorpusNotAnOverflow() {
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> new TokenDataset(new int[1000], 0.1, 0.1, Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("corpus too small") && e.getMessage().contains("2147483648 tokens"), e.getMessage());
    }

    @Test
    void byteTokenizerRoundTripsUtf8() {
        String s = "Call me Ishmael — ünïcödé";
        assertEquals(s, ByteTokenizer.decode(ByteTokenizer.encode(s)));
    }
}
