package dev.lowrank4j.nn;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EmbeddingTest {
    private static final int VOCAB = 11, DIM = 5;

    private Embedding randomEmbedding(SplittableRandom rng) {
        Embedding e = new Embedding(new Parameter("emb.weight", Tensor.zeros(VOCAB, DIM)));
        GradCheck.fillRandom(e.weight(), rng, 0, 1);
        return e;
    }

    @Test
    void forwardCopiesRows() {
        Embedding e = randomEmbedding(new SplittableRandom(1));
        int[] ids = {3, 0, 10, 3};
        Tensor y = e.forward(ids);
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < DIM; j++) assertEquals(e.weight().data()[ids[i] * DIM + j], y.data[i * DIM + j]);
        }
    }

    @Test
    void backwardScatterAddsRepeatedIds() {
        SplittableRandom rng = new SplittableRandom(2);
        Embedding e = randomEmbedding(rng);
        int[] ids = {4, 1, 4, 9, 4, 0, 1};
        float[] probe = GradCheck.randomArray(rng, ids.length * DIM, 1);
        e.forward(ids);
        e.backward(new Tensor(probe, ids.length, DIM));
        GradCheck.assertMatches("dEmbedding", () -> GradCheck.probe(e.forward(ids), probe),
                e.weight().data(), e.weight().grad().data, 3);
        float[] row4 = new float[DIM];
        for (int j = 0; j < DIM; j++) row4[j] = probe[j] + probe[2 * DIM + j] + probe[4 * DIM + j];
        float[] got = java.util.Arrays.copyOfRange(e.weight().grad().data, 4 * DIM, 5 * DIM);
        assertArrayEquals(row4, got, 1e-6f);
    }

    @Test
    void outOfRangeIdNamesIdAndVocabulary() {
        Embedding e = randomEmbedding(new SplittableRandom(3));
        var ex = assertThrows(Lowrank4jException.class, () -> e.forward(new int[] {1, 11}));
        assertEquals("token id 11 at position 1 is out of range for vocabulary size 11", ex.getMessage());
        assertThrows(Lowrank4jException.class, () -> e.forward(new int[] {-1}));
    }
}
