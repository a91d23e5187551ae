package dev.lowrank4j.io;

import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transformers-generated tiny LLaMA fixtures read correctly from the test classpath. */
class ReferenceFixtureTest {
    private static final Path TINY = TestFiles.resource("/hf-tiny-llama/tinyllama");

    @Test
    void referenceOutputsAndGradientsAreReadable() {
        try (SafeTensorsFile model = SafeTensors.open(TINY.resolve("model.safetensors"));
             SafeTensorsFile ref = SafeTensors.open(TINY.resolve("reference.safetensors"))) {
            assertEquals("pt", model.metadata().get("format"));
            assertEquals(21, model.names().size());

            SafeTensorsEntry ids = ref.entry("input_ids");
            assertEquals(SafeTensorsDtype.I64, ids.dtype());
            assertArrayEquals(new int[] {2, 24}, ids.shape());
            long[] tokens = ref.readLong("input_ids");
            assertEquals(48, tokens.length);
            for (long t : tokens) assertTrue(t >= 0 && t < 256, "token id in vocab: " + t);

            Tensor logits = ref.readFloat("logits");
            assertArrayEquals(new int[] {2, 24, 256}, logits.shape());
            Tensor loss = ref.readFloat("loss");
            assertArrayEquals(new int[] {1}, loss.shape());
            // Untrained 256-token model: cross-entropy near ln(256) = 5.55.
            assertTrue(loss.data[0] > 4 && loss.data[0] < 7, "loss " + loss.data[0]);

            for (String name : model.names()) {
                Tensor grad = ref.readFloat("grad." + name);
                assertArrayEquals(model.entry(name).shape(), grad.shape(), name);
            }
        }
    }

    @Test
    void adapterFixturesAreReadable() {
        Path adapter = TestFiles.resource("/hf-tiny-llama/adapter");
        try (SafeTensorsFile a = SafeTensors.open(adapter.resolve("adapter_model.safetensors"));
             SafeTensorsFile ref = SafeTensors.open(adapter.resolve("reference.safetensors"))) {
            assertEquals(28, a.names().size());
            assertArrayEquals(new int[] {4, 176},
                    a.readFloat("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight").shape());
            assertArrayEquals(new int[] {2, 24, 256}, ref.readFloat("logits_lora").shape());
            assertArrayEquals(new int[] {2, 24, 256}, ref.readFloat("logits_merged").shape());
        }
    }

    @Test
    void checkpointLoadGivesConfigAndAllWeights() {
        HfCheckpoint.Loaded loaded = HfCheckpoint.load(TINY);
        assertEquals(new LlamaConfig(256, 64, 176, 2, 4, 2, 16, 1e-5, 10000.0, false, 128, 0.02), loaded.config());
        Map<String, Tensor> w = loaded.weights();
        assertEquals(21, w.size());
        assertEquals("lm_head.weight", w.keySet().iterator().next());
        assertArrayEquals(new int[] {256, 64}, w.get("model.embed_tokens.weight").shape());
        assertArrayEquals(new int[] {32, 64}, w.get("model.layers.1.self_attn.k_proj.weight").shape());
        assertArrayEquals(new int[] {64, 176}, w.get("model.layers.0.mlp.down_proj.weight").shape());
    }
}
