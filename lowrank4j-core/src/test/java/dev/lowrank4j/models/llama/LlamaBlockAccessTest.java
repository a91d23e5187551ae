package dev.lowrank4j.models.llama;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoder layers reachable one by one: what block-wise reconstruction needs. */
class LlamaBlockAccessTest {
    private static final int BATCH = 2, SEQ = 5;

    @Test
    void embedThenEveryBlockThenTheHeadIsTheModelsForward() {
        LlamaModel model = TinyLlama.withLivelyWeights(false, 3);
        int[] ids = TinyLlama.randomIds(new SplittableRandom(4), BATCH * SEQ);
        float[] whole = model.forward(ids, BATCH, SEQ).data.clone();
        Tensor h = model.embed(ids);
        List<TransformerBlock> blocks = model.blocks();
        assertEquals(TinyLlama.LAYERS, blocks.size());
        for (TransformerBlock b : blocks) h = b.forward(h, new TransformerBlock.Context(BATCH, SEQ));
        assertArrayEquals(whole, model.head(h).data, 0f, "the pieces must compute exactly the forward");
        assertEquals("model.layers.1", blocks.get(1).path());
        assertEquals(List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.k_proj", "model.layers.0.self_attn.v_proj",
                "model.layers.0.self_attn.o_proj", "model.layers.0.mlp.gate_proj", "model.layers.0.mlp.up_proj",
                "model.layers.0.mlp.down_proj"), List.copyOf(blocks.get(0).linears().keySet()));
        assertEquals(9, blocks.get(0).parameters().size(), "seven projections and two norms");
    }

    @Test
    void oneBlocksBackwardMatchesFiniteDifferencesAndLeavesDyAlone() {
        LlamaModel model = TinyLlama.withLivelyWeights(false, 5);
        TransformerBlock block = model.blocks().get(1);
        SplittableRandom rng = new SplittableRandom(6);
        Tensor x = Tensor.zeros(BATCH * SEQ, TinyLlama.HIDDEN), weights = Tensor.zeros(BATCH * SEQ, TinyLlama.HIDDEN);
        for (int i = 0; i < x.size(); i++) {
            x.data[i] = (float) rng.nextGaussian();
            weights.data[i] = (float) rng.nextGaussian();
        }
        TransformerBlock.Context ctx = new TransformerBlock.Context(BATCH, SEQ);
        GradCheck.Loss loss = () -> {
            float[] y = block.forward(x, ctx).data;
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) y[i] * weights.data[i];
            return s;
        };
        loss.evaluate();
        float[] dy = weights.data.clone();
        float[] dx = block.backward(weights).data.clone();
        assertArrayEquals(dy, weights.data, 0f, "backward must not modify the caller's gradient");
        GradCheck.assertMatches("LLaMA block input", loss, x.data, dx, 7);
        assertTrue(block.parameters().stream().anyMatch(p -> p.grad() != null && p.grad().data[0] != 0f),
                "the block's parameters received gradients");
    }
}
