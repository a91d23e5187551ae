package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoder layers reachable one by one, with the padding mask passed in. */
class BertBlockAccessTest {
    @Test
    void embedThenEveryBlockIsTheEncodersForward() {
        BertEncoder encoder = TinyBert.randomEncoder(8);
        int b = TinyBert.BATCH, s = TinyBert.SEQ;
        float[] whole = encoder.forward(TinyBert.IDS, TinyBert.MASK, TinyBert.TYPES, b, s).data.clone();
        Tensor h = encoder.embed(TinyBert.IDS, TinyBert.TYPES, b, s);
        List<TransformerBlock> blocks = encoder.blocks();
        for (TransformerBlock block : blocks) h = block.forward(h, new TransformerBlock.Context(b, s, TinyBert.MASK));
        assertArrayEquals(whole, h.data, 0f);
        assertEquals("encoder.layer.0", blocks.get(0).path());
        assertEquals(6, blocks.get(0).linears().size());
        assertEquals(encoder.linears().keySet().stream().limit(6).toList(), List.copyOf(blocks.get(0).linears().keySet()));
    }

    /**
     * Hidden states of the size the embeddings' LayerNorm feeds in are scaled by 0.1: TinyBert's
     * deliberately large weights make the block so curved at unit scale that a 1e-2 step measures
     * curvature (error 9e-3 with a correct gradient), while at 0.1 a correct gradient agrees to
     * 1e-4 and one 5% off does not.
     */
    @Test
    void oneBlocksBackwardMatchesFiniteDifferences() {
        BertEncoder encoder = TinyBert.randomEncoder(9);
        TransformerBlock block = encoder.blocks().get(0);
        int n = TinyBert.BATCH * TinyBert.SEQ, d = TinyBert.CONFIG.hiddenSize();
        SplittableRandom rng = new SplittableRandom(10);
        Tensor x = Tensor.zeros(n, d), w = Tensor.zeros(n, d);
        for (int i = 0; i < x.size(); i++) {
            x.data[i] = (float) (0.1 * rng.nextGaussian());
            w.data[i] = (float) rng.nextGaussian();
        }
        TransformerBlock.Context ctx = new TransformerBlock.Context(TinyBert.BATCH, TinyBert.SEQ, TinyBert.MASK);
        GradCheck.Loss loss = () -> {
            float[] y = block.forward(x, ctx).data;
            double sum = 0;
            for (int i = 0; i < y.length; i++) sum += (double) y[i] * w.data[i];
            return sum;
        };
        loss.evaluate();
        float[] dx = block.backward(w).data.clone();
        double err = DirectionalCheck.worstError(loss, x.data, dx, 11);
        assertTrue(err < DirectionalCheck.RELATIVE_TOLERANCE, "BERT block input gradient: relative error " + err);
        for (int i = 0; i < dx.length; i++) dx[i] *= 1.05f;
        assertTrue(DirectionalCheck.worstError(loss, x.data, dx, 11) > DirectionalCheck.RELATIVE_TOLERANCE, "the check must reject a wrong gradient");
    }
}
