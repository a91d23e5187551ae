package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolingTest {
    static final int[] MASK = {1, 1, 0, 0, 1, 1, 1, 1};
    static final int BATCH = 2;
    static final int SEQ = 4;
    static final int DIM = 5;

    @Test
    void meanPoolingAveragesOnlyRealTokens() {
        SplittableRandom rng = new SplittableRandom(1);
        Tensor h = GradCheck.randomTensor(rng, 1.0, BATCH * SEQ, DIM);
        Tensor pooled = new MeanPooling().forward(h, MASK, BATCH, SEQ).copy();
        for (int j = 0; j < DIM; j++) {
            assertEquals((h.data[j] + h.data[DIM + j]) / 2, pooled.data[j], 1e-6);
        }
        for (int j = 0; j < DIM; j++) h.data[2 * DIM + j] = 1e6f; // padding rows are ignored
        assertArrayEquals(pooled.data, new MeanPooling().forward(h, MASK, BATCH, SEQ).data);
    }

    @Test
    void poolingAndNormalisationGradients() {
        SplittableRandom rng = new SplittableRandom(2);
        Tensor h = GradCheck.randomTensor(rng, 1.0, BATCH * SEQ, DIM);
        float[] probe = GradCheck.randomArray(rng, BATCH * DIM, 1.0);
        MeanPooling pool = new MeanPooling();
        L2Normalize l2 = new L2Normalize();
        l2.forward(pool.forward(h, MASK, BATCH, SEQ));
        float[] dh = pool.backward(l2.backward(new Tensor(probe.clone(), BATCH, DIM))).data.clone();
        for (int j = 0; j < DIM; j++) assertEquals(0f, dh[2 * DIM + j], "padding rows get no gradient");
        GradCheck.Loss loss = () -> GradCheck.probe(l2.forward(pool.forward(h, MASK, BATCH, SEQ)), probe);
        double err = DirectionalCheck.worstError(loss, h.data, dh, 3);
        assertTrue(err < DirectionalCheck.RELATIVE_TOLERANCE, "relative error " + err);
    }

    @Test
    void normalisedRowsHaveUnitLength() {
        Tensor x = GradCheck.randomTensor(new SplittableRandom(3), 5.0, 3, 7);
        Tensor y = new L2Normalize().forward(x);
        for (int r = 0; r < 3; r++) {
            double s = 0;
            for (int j = 0; j < 7; j++) s += y.data[r * 7 + j] * y.data[r * 7 + j];
            assertEquals(1.0, s, 1e-6);
        }
    }

    @Test
    void sentenceEncoderBackpropagatesIntoTheEncoder() {
        BertEncoder encoder = TinyBert.randomEncoder(6);
        SentenceEncoder sentences = new SentenceEncoder(encoder, true);
        TokenBatch tokens = new TokenBatch(TinyBert.BATCH, TinyBert.SEQ, TinyBert.IDS, TinyBert.MASK, TinyBert.TYPES);
        int h = TinyBert.CONFIG.hiddenSize();
        float[] probe = GradCheck.randomArray(new SplittableRandom(5), TinyBert.BATCH * h, 1.0);
        sentences.forward(tokens);
        sentences.backward(new Tensor(probe.clone(), TinyBert.BATCH, h));
        GradCheck.Loss loss = () -> GradCheck.probe(sentences.forward(tokens), probe);
        for (String name : new String[]{"embeddings.word_embeddings.weight", "encoder.layer.0.attention.self.query.weight",
                "encoder.layer.1.output.LayerNorm.bias"}) {
            Parameter p = encoder.parameter(name);
            double err = DirectionalCheck.worstError(loss, p.data(), p.grad().data, name.hashCode());
            assertTrue(err < DirectionalCheck.RELATIVE_TOLERANCE, name + ": relative error " + err);
        }
    }
}
