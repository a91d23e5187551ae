package dev.lowrank4j.models.bert;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seam adapters use: linears by module path, replacement, and gradients through a frozen encoder. */
class BertAdapterTest {
    static final int RANK = 3;
    /** Module paths adapted in the LoRA gradient test: the first and the last layer, attention and MLP. */
    static final List<String> ADAPTED = List.of("encoder.layer.0.attention.self.query",
            "encoder.layer.0.output.dense", "encoder.layer.1.attention.self.value");

    @Test
    void linearsAreNamedLikeTransformersModules() {
        BertEncoder encoder = TinyBert.randomEncoder(1);
        Map<String, LinearLayer> linears = encoder.linears();
        assertEquals(6 * TinyBert.CONFIG.numHiddenLayers(), linears.size());
        assertEquals(List.of("encoder.layer.0.attention.self.query", "encoder.layer.0.attention.self.key",
                "encoder.layer.0.attention.self.value", "encoder.layer.0.attention.output.dense",
                "encoder.layer.0.intermediate.dense", "encoder.layer.0.output.dense"),
                linears.keySet().stream().limit(6).toList());
        for (var e : linears.entrySet()) {
            Linear linear = assertInstanceOf(Linear.class, e.getValue());
            assertEquals(e.getKey() + ".weight", linear.weight().name());
            assertEquals(e.getKey() + ".bias", linear.bias().name());
        }
        Linear intermediate = (Linear) linears.get("encoder.layer.1.intermediate.dense");
        assertArrayEquals(new int[]{13, 10}, intermediate.weight().value().shape()); // [out, in]
    }

    @Test
    void parametersHaveHuggingFaceNamesInOrder() {
        List<String> names = TinyBert.randomEncoder(1).parameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
                "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.query.bias"),
                names.subList(0, 7));
        assertEquals("encoder.layer.1.output.LayerNorm.bias", names.getLast());
        assertTrue(names.contains("encoder.layer.0.attention.output.LayerNorm.weight"));
        assertTrue(names.contains("encoder.layer.0.intermediate.dense.weight"));
    }

    @Test
    void zeroInitialisedAdapterKeepsTheBaseOutputBitForBit() {
        BertEncoder encoder = TinyBert.randomEncoder(2);
        float[] before = BertEncoderGradientTest.forward(encoder).data.clone();
        for (String path : ADAPTED) encoder.replaceLinear(path, new LowRankTestAdapter(path, encoder.linears().get(path), RANK));
        assertArrayEquals(before, BertEncoderGradientTest.forward(encoder).data);
    }

    @Test
    void adaptersInAFrozenEncoderGetCorrectGradients() {
        BertEncoder encoder = TinyBert.randomEncoder(4);
        encoder.setTrainable(false);
        SplittableRandom rng = new SplittableRandom(9);
        for (String path : ADAPTED) {
            var adapter = new LowRankTestAdapter(path, encoder.linears().get(path), RANK);
            GradCheck.fillRandom(adapter.a(), rng, 0, 0.5);
            GradCheck.fillRandom(adapter.b(), rng, 0, 0.5); // non-zero B so A's gradient is non-zero too
            encoder.replaceLinear(path, adapter);
            assertSame(adapter, encoder.linears().get(path));
        }
        List<Parameter> trainable = encoder.parameters().stream().filter(Parameter::trainable).toList();
        assertEquals(2 * ADAPTED.size(), trainable.size());
        assertTrue(trainable.stream().allMatch(p -> p.name().contains(".lora_")));

        int n = TinyBert.BATCH * TinyBert.SEQ, h = TinyBert.CONFIG.hiddenSize();
        float[] probe = GradCheck.randomArray(new SplittableRandom(12), n * h, 1.0);
        BertEncoderGradientTest.forward(encoder);
        encoder.backward(new Tensor(probe.clone(), n, h));
        GradCheck.Loss loss = () -> GradCheck.probe(BertEncoderGradientTest.forward(encoder), probe);
        double worst = 0;
        for (Parameter p : trainable) {
            double err = DirectionalCheck.worstError(loss, p.data(), p.grad().data, p.name().hashCode());
            worst = Math.max(worst, err);
            assertTrue(err < DirectionalCheck.RELATIVE_TOLERANCE, p.name() + ": relative error " + err);
        }
        System.out.printf("BERT LoRA-path gradient check: worst relative error %.2e%n", worst);
        for (Parameter p : encoder.parameters()) if (!p.trainable()) assertNull(p.grad(), p.name());
    }

    @Test
    void replacementMustExistAndKeepTheShape() {
        BertEncoder encoder = TinyBert.randomEncoder(1);
        var e1 = assertThrows(Lowrank4jException.class,
                () -> encoder.replaceLinear("encoder.layer.0.attention.self.q_proj", Linear.create("x", 10, 10, true)));
        assertTrue(e1.getMessage().contains("no linear layer at 'encoder.layer.0.attention.self.q_proj'"), e1.getMessage());
        var e2 = assertThrows(Lowrank4jException.class,
                () -> encoder.replaceLinear("encoder.layer.0.intermediate.dense", Linear.create("x", 10, 10, true)));
        assertTrue(e2.getMessage().contains("10 -> 10") && e2.getMessage().contains("10 -> 13"), e2.getMessage());
    }
}
