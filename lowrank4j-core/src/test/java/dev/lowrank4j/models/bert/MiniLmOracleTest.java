package dev.lowrank4j.models.bert;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.lowrank4j.io.onnx.MiniLm;

/**
 * The pretrained encoder against ONNX Runtime running the very same .onnx file: token-level last
 * hidden states and sentence embeddings for a padded batch of sentences of different lengths.
 */
class MiniLmOracleTest {
    /**
     * Max abs error allowed on the last hidden states (values up to ~10). Both sides are float32 with
     * different summation orders and erf/exp approximations; measured here: 2.6e-6 on real tokens and
     * 2.6e-5 on padding rows. A wrong mask, eps, head split or GELU form moves them by 1e-2 or more.
     */
    static final double HIDDEN_TOLERANCE = 1e-4;
    /** Max abs error on the unit-length sentence embeddings (components ~0.05); measured 1.7e-7. */
    static final double EMBEDDING_TOLERANCE = 1e-5;

    static final List<String> SENTENCES = List.of(
            "Hello world!",
            "The quick brown fox jumps over the lazy dog.",
            "Low-rank adapters fine-tune a frozen pretrained encoder by training two small matrices per layer.",
            "Tokenizers split unbelievably long words such as antidisestablishmentarianism into pieces.");

    private static MiniLm model;
    private static OnnxRuntimeOracle oracle;

    @BeforeAll
    static void load() throws Exception {
        model = MiniLm.load();
        oracle = new OnnxRuntimeOracle(MiniLm.MODEL_RESOURCE);
    }

    @AfterAll
    static void close() throws Exception {
        oracle.close();
    }

    @Test
    void configIsInferredFromTheExport() {
        assertEquals(new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12), model.encoder().config());
        long params = 0;
        for (var p : model.encoder().parameters()) params += p.numel();
        assertEquals(22_565_376, params); // 22,565,888 ONNX values minus the 512 int64 position_ids
    }

    @Test
    void hiddenStatesAndEmbeddingsMatchOnnxRuntime() throws Exception {
        TokenBatch tokens = model.tokenizer().encode(SENTENCES);
        assertTrue(tokens.length(0) < tokens.seq(), "the batch must contain padding");

        float[] expected = oracle.lastHiddenState(tokens);
        Tensor hidden = model.encoder().forward(tokens.ids(), tokens.attentionMask(), tokens.tokenTypes(),
                tokens.batch(), tokens.seq());
        double hiddenError = maxAbsDiff(hidden.data, expected, tokens.attentionMask(), 384, false);
        double paddingError = maxAbsDiff(hidden.data, expected, tokens.attentionMask(), 384, true);

        Tensor ours = model.sentenceEncoder().forward(tokens);
        float[] reference = meanPoolAndNormalize(expected, tokens);
        double embeddingError = 0;
        for (int i = 0; i < reference.length; i++) embeddingError = Math.max(embeddingError, Math.abs(ours.data[i] - reference[i]));

        System.out.printf("MiniLM vs ONNX Runtime (batch %d, seq %d): hidden max|err| %.3g (padding rows %.3g),"
                + " embedding max|err| %.3g%n", tokens.batch(), tokens.seq(), hiddenError, paddingError, embeddingError);
        assertTrue(hiddenError <= HIDDEN_TOLERANCE, "hidden-state error " + hiddenError);
        assertTrue(paddingError <= HIDDEN_TOLERANCE, "padding-row error " + paddingError);
        assertTrue(embeddingError <= EMBEDDING_TOLERANCE, "embedding error " + embeddingError);
    }

    /**
     * The same texts padded on the left: the encoder skips trailing padding keys without looking at
     * the mask, so only leading padding makes the in-sequence masking meet the oracle.
     */
    @Test
    void leftPaddedBatchMatchesOnnxRuntime() throws Exception {
        TokenBatch right = model.tokenizer().encode(SENTENCES);
        TokenBatch left = leftPadded(right);
        float[] expected = oracle.lastHiddenState(left);
        Tensor hidden = model.encoder().forward(left.ids(), left.attentionMask(), left.tokenTypes(), left.batch(), left.seq());
        double error = maxAbsDiff(hidden.data, expected, left.attentionMask(), 384, false);
        System.out.printf("MiniLM vs ONNX Runtime, left padding: hidden max|err| %.3g%n", error);
        assertTrue(error <= HIDDEN_TOLERANCE, "hidden-state error " + error);
    }

    static TokenBatch leftPadded(TokenBatch t) {
        int n = t.batch() * t.seq();
        int[] ids = new int[n], mask = new int[n], types = new int[n];
        for (int b = 0; b < t.batch(); b++) {
            int len = t.length(b), shift = t.seq() - len;
            System.arraycopy(t.ids(), b * t.seq(), ids, b * t.seq() + shift, len);
            System.arraycopy(t.attentionMask(), b * t.seq(), mask, b * t.seq() + shift, len);
            System.arraycopy(t.tokenTypes(), b * t.seq(), types, b * t.seq() + shift, len);
        }
        return new TokenBatch(t.batch(), t.seq(), ids, mask, types);
    }

    /** Max |a − b| over the rows whose mask is 1 (or, with {@code padding}, over the padding rows). */
    static double maxAbsDiff(float[] a, float[] b, int[] mask, int dim, boolean padding) {
        double worst = 0;
        for (int row = 0; row < mask.length; row++) {
            if ((mask[row] == 0) != padding) continue;
            for (int j = 0; j < dim; j++) worst = Math.max(worst, Math.abs(a[row * dim + j] - b[row * dim + j]));
        }
        return worst;
    }

    /** The langchain4j / sentence-transformers pipeline on the oracle's states, in double. */
    static float[] meanPoolAndNormalize(float[] hidden, TokenBatch t) {
        int dim = 384;
        float[] out = new float[t.batch() * dim];
        for (int b = 0; b < t.batch(); b++) {
            double[] sum = new double[dim];
            int count = 0;
            for (int s = 0; s < t.seq(); s++) {
                if (t.attentionMask()[b * t.seq() + s] == 0) continue;
                count++;
                for (int j = 0; j < dim; j++) sum[j] += hidden[(b * t.seq() + s) * dim + j];
            }
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                sum[j] /= count;
                norm += sum[j] * sum[j];
            }
            for (int j = 0; j < dim; j++) out[b * dim + j] = (float) (sum[j] / Math.sqrt(norm));
        }
        return out;
    }
}
