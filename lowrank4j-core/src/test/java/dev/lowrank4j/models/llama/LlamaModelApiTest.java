package dev.lowrank4j.models.llama;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlamaModelApiTest {
    private static final double INIT_STD_TOLERANCE = 0.1; // relative, on ~3000 samples

    @Test
    void parameterNamesAndOrderFollowTransformers() {
        List<String> names = new LlamaModel(TinyLlama.config(false), 1).parameters().stream().map(Parameter::name).toList();
        List<String> expected = new ArrayList<>(List.of("model.embed_tokens.weight"));
        for (int i = 0; i < TinyLlama.LAYERS; i++) {
            String p = "model.layers." + i + ".";
            for (String s : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", "input_layernorm", "post_attention_layernorm")) {
                expected.add(p + s + ".weight");
            }
        }
        expected.add("model.norm.weight");
        expected.add("lm_head.weight");
        assertEquals(expected, names);
    }

    @Test
    void tiedHeadSharesTheEmbeddingParameter() {
        LlamaModel model = new LlamaModel(TinyLlama.config(true), 1);
        assertFalse(model.parameters().stream().anyMatch(p -> p.name().equals("lm_head.weight")));
        assertFalse(model.stateDict().containsKey("lm_head.weight"));
        Linear head = (Linear) model.linears().get("lm_head");
        assertSame(model.parameter("model.embed_tokens.weight"), head.weight());
    }

    @Test
    void initialisationIsSeededAndShapedLikeTransformers() {
        LlamaConfig cfg = TinyLlama.config(false);
        LlamaModel a = new LlamaModel(cfg, 42), b = new LlamaModel(cfg, 42), c = new LlamaModel(cfg, 43);
        for (Parameter p : a.parameters()) {
            assertArrayEquals(p.data(), b.parameter(p.name()).data(), p.name());
            if (p.value().rank() == 1) {
                for (float v : p.data()) assertEquals(1f, v, p.name());
            } else {
                assertFalse(java.util.Arrays.equals(p.data(), c.parameter(p.name()).data()), p.name());
            }
        }
        float[] q = a.parameter("model.layers.0.mlp.up_proj.weight").data();
        double sum = 0, sq = 0;
        for (float v : q) { sum += v; sq += v * v; }
        double mean = sum / q.length, std = Math.sqrt(sq / q.length - mean * mean);
        assertEquals(cfg.initializerRange(), std, INIT_STD_TOLERANCE * cfg.initializerRange());
    }

    @Test
    void shiftedTargetsIgnoreEachSequenceEnd() {
        assertArrayEquals(new int[] {5, 6, -1, 8, 9, -1}, CausalLmTargets.shifted(new int[] {4, 5, 6, 7, 8, 9}, 2, 3));
    }

    @Test
    void replaceLinearSwapsTheLayerTheModelRuns() {
        LlamaModel model = TinyLlama.withLivelyWeights(false, 2);
        int[] ids = TinyLlama.randomIds(new SplittableRandom(1), 10);
        float[] before = model.forward(ids, 2, 5).data.clone();
        String path = "model.layers.1.mlp.down_proj";
        Linear original = (Linear) model.linears().get(path);
        ScaledLinear doubled = new ScaledLinear(original, 2f);
        model.replaceLinear(path, doubled);
        assertSame(doubled, model.linears().get(path));
        assertNotEquals(before[0], model.forward(ids, 2, 5).data[0]);
        assertTrue(doubled.calls > 0);
        model.replaceLinear(path, original);
        assertArrayEquals(before, model.forward(ids, 2, 5).data);

        var unknown = assertThrows(Lowrank4jException.class, () -> model.replaceLinear("model.layers.9.mlp.up_proj", original));
        assertTrue(unknown.getMessage().contains("model.layers.9.mlp.up_proj"), unknown.getMessage());
        assertThrows(Lowrank4jException.class, () -> model.replaceLinear("model.layers.0.self_attn.q_proj", original));
    }

    @Test
    void linearsListsEveryProjectionAndTheHead() {
        Map<String, LinearLayer> linears = new LlamaModel(TinyLlama.config(false), 1).linears();
        assertEquals(TinyLlama.LAYERS * 7 + 1, linears.size());
        assertTrue(linears.containsKey("model.layers.1.self_attn.o_proj"));
        assertTrue(linears.containsKey("lm_head"));
    }

    @Test
    void stateDictRoundTripsThroughLoadWeights() {
        LlamaModel source = TinyLlama.withLivelyWeights(false, 3);
        Map<String, Tensor> copy = new LinkedHashMap<>();
        source.stateDict().forEach((k, v) -> copy.put(k, v.copy()));
        copy.put("model.layers.0.self_attn.rotary_emb.inv_freq", Tensor.zeros(4)); // HF buffer: ignored
        LlamaModel target = new LlamaModel(TinyLlama.config(false), 99);
        target.loadWeights(copy);
        for (Parameter p : source.parameters()) assertArrayEquals(p.data(), target.parameter(p.name()).data(), p.name());
    }

    @Test
    void tiedModelAcceptsOrIgnoresLmHead() {
        LlamaModel source = TinyLlama.withLivelyWeights(true, 4);
        Map<String, Tensor> weights = new HashMap<>(source.stateDict());
        new LlamaModel(TinyLlama.config(true), 5).loadWeights(weights);
        weights.put("lm_head.weight", Tensor.zeros(TinyLlama.VOCAB, TinyLlama.HIDDEN));
        LlamaModel target = new LlamaModel(TinyLlama.config(true), 5);
        target.loadWeights(weights);
        assertArrayEquals(source.parameter("model.embed_tokens.weight").data(), target.parameter("model.embed_tokens.weight").data());
    }

    @Test
    void loadWeightsReportsEveryProblemAndChangesNothing() {
        LlamaModel model = new LlamaModel(TinyLlama.config(false), 1);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        new LlamaModel(TinyLlama.config(false), 2).stateDict().forEach((k, v) -> weights.put(k, v.copy()));
        weights.remove("model.norm.weight");
        weights.put("model.layers.0.mlp.up_proj.weight", Tensor.zeros(3, 4));
        weights.put("model.layers.7.mlp.up_proj.weight", Tensor.zeros(1));
        float[] before = model.parameter("lm_head.weight").data().clone();
        var ex = assertThrows(Lowrank4jException.class, () -> model.loadWeights(weights));
        String msg = ex.getMessage();
        assertTrue(msg.contains("missing keys (1): model.norm.weight"), msg);
        assertTrue(msg.contains("unexpected keys (1): model.layers.7.mlp.up_proj.weight"), msg);
        assertTrue(msg.contains("model.layers.0.mlp.up_proj.weight expected [" + TinyLlama.INTERMEDIATE + ", "
                + TinyLlama.HIDDEN + "] got [3, 4]"), msg);
        assertFalse(msg.contains("\n"));
        assertArrayEquals(before, model.parameter("lm_head.weight").data());
    }

    @Test
    void lossWithoutBackwardLeavesGradientsAndBackwardAccumulates() {
        LlamaModel model = TinyLlama.withLivelyWeights(false, 6);
        int[] ids = TinyLlama.randomIds(new SplittableRandom(2), 12);
        int[] targets = CausalLmTargets.shifted(ids, 3, 4);
        model.zeroGrad();
        float evalLoss = model.loss(ids, targets, 3, 4);
        for (Parameter p : model.parameters()) for (float g : p.grad().data) assertEquals(0f, g);
        assertEquals(evalLoss, model.lossAndBackward(ids, targets, 3, 4));
        float[] once = model.parameter("model.layers.0.self_attn.k_proj.weight").grad().data.clone();
        model.lossAndBackward(ids, targets, 3, 4);
        float[] twice = model.parameter("model.layers.0.self_attn.k_proj.weight").grad().data;
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-6f * Math.max(1, Math.abs(twice[i])));
        assertTrue(model.activationBytes() > 0);
    }

    @Test
    void activationBytesCountWhatBackwardAddsToTheForward() {
        LlamaModel model = TinyLlama.withLivelyWeights(false, 7);
        int batch = 3, seq = 4, vocab = model.config().vocabSize();
        int[] ids = new int[batch * seq];
        for (int i = 0; i < ids.length; i++) ids[i] = (5 * i + 1) % vocab;
        int[] targets = CausalLmTargets.shifted(ids, batch, seq);
        model.loss(ids, targets, batch, seq);
        long forwardOnly = model.activationBytes();
        model.lossAndBackward(ids, targets, batch, seq);
        // at least the logits' gradient and one input gradient per linear
        long logitsGrad = 4L * batch * seq * vocab;
        assertTrue(model.activationBytes() >= forwardOnly + logitsGrad + 4L * batch * seq * model.config().hiddenSize() * 7
                * model.config().numHiddenLayers(), model.activationBytes() + " vs forward " + forwardOnly);
    }

    @Test
    void frozenParametersGetNoGradient() {
        LlamaModel model = TinyLlama.withLivelyWeights(false, 7);
        for (Parameter p : model.parameters()) p.setTrainable(p.name().startsWith("model.layers.1."));
        int[] ids = TinyLlama.randomIds(new SplittableRandom(3), 8);
        model.lossAndBackward(ids, CausalLmTargets.shifted(ids, 1, 8), 1, 8);
        for (Parameter p : model.parameters()) assertEquals(p.trainable(), p.grad() != null, p.name());
    }

    @Test
    void badInputsAreUserErrors() {
        LlamaModel model = new LlamaModel(TinyLlama.config(false), 1);
        assertThrows(Lowrank4jException.class, () -> model.forward(new int[5], 2, 3));
        var ex = assertThrows(Lowrank4jException.class, () -> model.forward(new int[] {0, 37}, 1, 2));
        assertTrue(ex.getMessage().contains("token id 37") && ex.getMessage().contains("vocabulary size 37"), ex.getMessage());
    }

    /** A stand-in adapter: twice the wrapped layer's output. */
    private static final class ScaledLinear implements LinearLayer {
        private final Linear inner;
        private final float factor;
        int calls;
        private Tensor out;

        ScaledLinear(Linear inner, float factor) {
            this.inner = inner;
            this.factor = factor;
        }

        @Override
        public Tensor forward(Tensor x) {
            calls++;
            Tensor y = inner.forward(x);
            out = y.copy();
            for (int i = 0; i < out.data.length; i++) out.data[i] *= factor;
            return out;
        }

        @Override
        public Tensor backward(Tensor dy) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Parameter> parameters() {
            return inner.parameters();
        }

        @Override
        public int inFeatures() {
            return inner.inFeatures();
        }

        @Override
        public int outFeatures() {
            return inner.outFeatures();
        }
    }
}
