package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Attention against a direct double-precision transcription of the definition, plus finite
 * differences for every input. Sequence lengths straddle {@link TiledAttention.ROW_BLOCK}
 * so the blocked causal loops are exercised with a partial last block.
 */
class CausalSelfAttentionTest {
    private static final int HIDDEN = 13, HEAD_DIM = 6, BATCH = 2;
    private static final double THETA = 500;
    private static final double FORWARD_TOLERANCE = 2e-5;

    private record Setup(CausalSelfAttention attention, Linear q, Linear k, Linear v, Linear o, int heads, int kvHeads) {}

    private static Setup setup(int heads, int kvHeads, SplittableRandom rng) {
        Linear q = Linear.create("a.q_proj", HIDDEN, heads * HEAD_DIM, false);
        Linear k = Linear.create("a.k_proj", HIDDEN, kvHeads * HEAD_DIM, false);
        Linear v = Linear.create("a.v_proj", HIDDEN, kvHeads * HEAD_DIM, false);
        Linear o = Linear.create("a.o_proj", heads * HEAD_DIM, HIDDEN, false);
        for (Linear l : new Linear[] {q, k, v, o}) GradCheck.fillRandom(l.weight(), rng, 0, 0.4);
        var attention = new CausalSelfAttention("a", HIDDEN, heads, kvHeads, HEAD_DIM,
                new RotaryEmbedding(HEAD_DIM, THETA), q, k, v, o);
        return new Setup(attention, q, k, v, o, heads, kvHeads);
    }

    /**
     * Grouped-query, multi-head and multi-query layouts; one partial block, one or two full query
     * blocks plus a tail, and query blocks that meet two and three key blocks (the online softmax
     * rescales a row's running output).
     */
    static Stream<Arguments> layouts() {
        int block = TiledAttention.ROW_BLOCK, keys = TiledAttention.KEY_BLOCK;
        return Stream.of(Arguments.of(4, 2, block + 3), Arguments.of(3, 3, 5), Arguments.of(3, 1, 2 * block + 1),
                Arguments.of(2, 1, 2 * keys + 5));
    }

    @ParameterizedTest(name = "heads={0} kv={1} seq={2}")
    @MethodSource("layouts")
    void forwardMatchesDefinition(int heads, int kvHeads, int seq) {
        SplittableRandom rng = new SplittableRandom(11);
        Setup s = setup(heads, kvHeads, rng);
        Tensor x = GradCheck.randomTensor(rng, 1, BATCH * seq, HIDDEN);
        Tensor y = s.attention.forward(x, BATCH, seq);
        double[] expected = reference(s, x, seq);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], y.data[i], FORWARD_TOLERANCE * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    @ParameterizedTest(name = "heads={0} kv={1} seq={2}")
    @MethodSource("layouts")
    void gradientsMatchFiniteDifferences(int heads, int kvHeads, int seq) {
        SplittableRandom rng = new SplittableRandom(12);
        Setup s = setup(heads, kvHeads, rng);
        Tensor x = GradCheck.randomTensor(rng, 1, BATCH * seq, HIDDEN);
        float[] probe = GradCheck.randomArray(rng, BATCH * seq * HIDDEN, 1);
        s.attention.forward(x, BATCH, seq);
        float[] dx = s.attention.backward(new Tensor(probe, BATCH * seq, HIDDEN)).data.clone();
        GradCheck.Loss loss = () -> GradCheck.probe(s.attention.forward(x, BATCH, seq), probe);
        GradCheck.assertMatches("dx", loss, x.data, dx, 1);
        for (Linear l : new Linear[] {s.q, s.k, s.v, s.o}) {
            GradCheck.assertMatches(l.weight().name(), loss, l.weight().data(), l.weight().grad().data, 2);
        }
    }

    @Test
    void laterTokensDoNotChangeEarlierOutputs() {
        SplittableRandom rng = new SplittableRandom(13);
        Setup s = setup(4, 2, rng);
        int seq = TiledAttention.ROW_BLOCK + 7;
        Tensor x = GradCheck.randomTensor(rng, 1, seq, HIDDEN);
        float[] before = s.attention.forward(x, 1, seq).data.clone();
        int changed = TiledAttention.ROW_BLOCK + 2; // inside the second block
        for (int j = 0; j < HIDDEN; j++) x.data[changed * HIDDEN + j] += 1f;
        float[] after = s.attention.forward(x, 1, seq).data;
        for (int i = 0; i < changed * HIDDEN; i++) assertEquals(before[i], after[i], 0f, "row " + i / HIDDEN);
    }

    /** Straight from the definition, in double: projections, rotate-half RoPE, masked softmax, output. */
    private static double[] reference(Setup s, Tensor x, int seq) {
        int h = s.heads, kv = s.kvHeads, n = BATCH * seq, half = HEAD_DIM / 2;
        double[] q = matmulT(x.data, s.q.weight().data(), n, HIDDEN, h * HEAD_DIM);
        double[] k = matmulT(x.data, s.k.weight().data(), n, HIDDEN, kv * HEAD_DIM);
        double[] v = matmulT(x.data, s.v.weight().data(), n, HIDDEN, kv * HEAD_DIM);
        rope(q, n, h, seq, half);
        rope(k, n, kv, seq, half);
        double[] ctx = new double[n * h * HEAD_DIM];
        for (int b = 0; b < BATCH; b++) {
            for (int head = 0; head < h; head++) {
                int g = head / (h / kv);
                for (int t = 0; t < seq; t++) {
                    double[] scores = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        double dot = 0;
                        for (int d = 0; d < HEAD_DIM; d++) {
                            dot += q[((b * seq + t) * h + head) * HEAD_DIM + d] * k[((b * seq + j) * kv + g) * HEAD_DIM + d];
                        }
                        scores[j] = dot / Math.sqrt(HEAD_DIM);
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) sum += scores[j] = Math.exp(scores[j] - max);
                    for (int j = 0; j <= t; j++) {
                        for (int d = 0; d < HEAD_DIM; d++) {
                            ctx[((b * seq + t) * h + head) * HEAD_DIM + d] += scores[j] / sum * v[((b * seq + j) * kv + g) * HEAD_DIM + d];
                        }
                    }
                }
            }
        }
        float[] ctxF = new float[ctx.length];
        for (int i = 0; i < ctx.length; i++) ctxF[i] = (float) ctx[i];
        return matmulT(ctxF, s.o.weight().data(), n, h * HEAD_DIM, HIDDEN);
    }

    private static void rope(double[] a, int n, int heads, int seq, int half) {
        for (int r = 0; r < n; r++) {
            int pos = r % seq;
            for (int head = 0; head < heads; head++) {
                int off = (r * heads + head) * 2 * half;
                for (int i = 0; i < half; i++) {
                    double angle = pos / Math.pow(THETA, 2.0 * i / (2 * half));
                    double x1 = a[off + i], x2 = a[off + half + i];
                    a[off + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
                    a[off + half + i] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
                }
            }
        }
    }

    private static double[] matmulT(float[] x, float[] w, int n, int in, int out) {
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double acc = 0;
                for (int i = 0; i < in; i++) acc += (double) x[r * in + i] * w[o * in + i];
                y[r * out + o] = acc;
            }
        }
        return y;
    }
}
