package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Full fine-tuning: every parameter gradient of the encoder against finite differences. */
class BertEncoderGradientTest {
    /**
     * The key bias adds q·b to a whole softmax row, which softmax ignores: its true gradient is 0 and
     * what backward returns is float rounding, far below the other gradients (ratio measured ~1e-7).
     */
    static final double KEY_BIAS_RELATIVE_SIZE = 1e-4;
    @Test
    void everyParameterGradientMatchesFiniteDifferences() {
        BertEncoder encoder = TinyBert.randomEncoder(7);
        int n = TinyBert.BATCH * TinyBert.SEQ, h = TinyBert.CONFIG.hiddenSize();
        float[] probe = GradCheck.randomArray(new SplittableRandom(11), n * h, 1.0);
        GradCheck.Loss loss = () -> GradCheck.probe(forward(encoder), probe);

        encoder.zeroGrad();
        forward(encoder);
        encoder.backward(new Tensor(probe.clone(), n, h));
        int checked = 0;
        double worst = 0;
        for (Parameter p : encoder.parameters()) {
            if (p.name().endsWith("attention.self.key.bias")) {
                Parameter keyWeight = encoder.parameter(p.name().replace(".bias", ".weight"));
                double ratio = maxAbs(p.grad().data) / maxAbs(keyWeight.grad().data);
                assertTrue(ratio < KEY_BIAS_RELATIVE_SIZE, p.name() + " gradient should vanish, ratio " + ratio);
                checked++;
                continue;
            }
            double err = DirectionalCheck.worstError(loss, p.data(), p.grad().data, 100 + checked);
            worst = Math.max(worst, err);
            assertTrue(err < DirectionalCheck.RELATIVE_TOLERANCE, p.name() + ": relative error " + err);
            checked++;
        }
        assertEquals(5 + 16 * TinyBert.CONFIG.numHiddenLayers(), checked);
        System.out.printf("BERT full fine-tuning gradient check: worst relative error %.2e%n", worst);
    }

    @Test
    void unusedEmbeddingRowsGetNoGradient() {
        BertEncoder encoder = TinyBert.randomEncoder(3);
        int n = TinyBert.BATCH * TinyBert.SEQ, h = TinyBert.CONFIG.hiddenSize();
        forward(encoder);
        encoder.backward(new Tensor(GradCheck.randomArray(new SplittableRandom(1), n * h, 1.0), n, h));
        float[] g = encoder.parameter("embeddings.word_embeddings.weight").grad().data;
        for (int j = 0; j < h; j++) assertEquals(0f, g[15 * h + j], "id 15 is never used"); // ids use 0..11 and 16
        float[] pos = encoder.parameter("embeddings.position_embeddings.weight").grad().data;
        for (int j = 0; j < h; j++) assertEquals(0f, pos[TinyBert.SEQ * h + j], "position 7 is never used");
    }

    @Test
    void frozenEncoderAccumulatesNothing() {
        BertEncoder encoder = TinyBert.randomEncoder(5);
        encoder.setTrainable(false);
        int n = TinyBert.BATCH * TinyBert.SEQ, h = TinyBert.CONFIG.hiddenSize();
        forward(encoder);
        encoder.backward(new Tensor(new float[n * h], n, h));
        for (Parameter p : encoder.parameters()) assertNull(p.grad(), p.name());
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    static Tensor forward(BertEncoder encoder) {
        return encoder.forward(TinyBert.IDS, TinyBert.MASK, TinyBert.TYPES, TinyBert.BATCH, TinyBert.SEQ);
    }
}
