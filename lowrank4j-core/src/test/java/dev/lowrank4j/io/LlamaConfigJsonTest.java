package dev.lowrank4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.llama.LlamaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.lowrank4j.util.Json;

class LlamaConfigJsonTest {
    @TempDir
    Path tmp;

    private static final String MINIMAL = """
            "vocab_size": 100, "hidden_size": 32, "intermediate_size": 64,
            "num_hidden_layers": 3, "num_attention_heads": 4""";

    private Path config(String body) throws IOException {
        return Files.writeString(tmp.resolve("config.json"), "{" + body + "}");
    }

    private LlamaConfig llama(String extra) throws IOException {
        return LlamaConfigJson.read(config("\"model_type\": \"llama\", " + MINIMAL + extra));
    }

    private Lowrank4jException fails(String body, String... fragments) throws IOException {
        Path p = config(body);
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> LlamaConfigJson.read(p));
        TestFiles.assertMessage(e, fragments);
        TestFiles.assertMessage(e, "config.json");
        return e;
    }

    @Test
    void readsTransformersV5Fixture() {
        LlamaConfig c = LlamaConfigJson.read(TestFiles.resource("/hf-tiny-llama/tinyllama/config.json"));
        assertEquals(256, c.vocabSize());
        assertEquals(64, c.hiddenSize());
        assertEquals(176, c.intermediateSize());
        assertEquals(2, c.numHiddenLayers());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(2, c.numKeyValueHeads());
        assertEquals(16, c.headDim());
        assertEquals(1e-5, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(128, c.maxPositionEmbeddings());
        assertEquals(0.02, c.initializerRange());
        assertEquals(2, c.kvGroups());
    }

    @Test
    void defaultsForOptionalKeys() throws IOException {
        LlamaConfig c = llama(", \"num_key_value_heads\": null, \"rope_scaling\": null");
        assertEquals(new LlamaConfig(100, 32, 64, 3, 4, 4, 8, 1e-6, 10000.0, false, 2048, 0.02), c);
    }

    @Test
    void architecturesAloneIdentifiesLlama() throws IOException {
        LlamaConfig c = LlamaConfigJson.read(config("\"architectures\": [\"LlamaForCausalLM\"], " + MINIMAL));
        assertEquals(100, c.vocabSize());
    }

    @Test
    void transformersV4RopeSpelling() throws IOException {
        assertEquals(500000.0, llama(", \"rope_theta\": 500000.0").ropeTheta());
        assertEquals(500000.0, llama(", \"rope_theta\": 500000, \"rope_scaling\": {\"type\": \"default\"}").ropeTheta());
        assertEquals(1e6, llama(", \"rope_parameters\": {\"rope_theta\": 1e6}").ropeTheta());
    }

    @Test
    void missingKeysAreAllListed() throws IOException {
        fails("\"model_type\": \"llama\", \"hidden_size\": 32, \"num_attention_heads\": 4",
                "missing required keys vocab_size, intermediate_size, num_hidden_layers");
    }

    @Test
    void unknownArchitecture() throws IOException {
        fails("\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], " + MINIMAL,
                "unsupported architecture gpt2", "GPT2LMHeadModel", "lowrank4j reads LLaMA checkpoints (model_type llama)");
        fails(MINIMAL, "unsupported architecture", "neither model_type nor architectures");
    }

    @Test
    void unsupportedFeaturesAreRejected() throws IOException {
        String llama = "\"model_type\": \"llama\", " + MINIMAL;
        fails(llama + ", \"rope_parameters\": {\"rope_theta\": 500000.0, \"rope_type\": \"llama3\", \"factor\": 8.0}",
                "rope_type", "llama3", "not supported");
        fails(llama + ", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}", "rope_scaling", "linear");
        fails(llama + ", \"rope_parameters\": 5", "rope_parameters must be an object");
        fails(llama + ", \"hidden_act\": \"gelu\"", "hidden_act", "gelu", "silu");
        fails(llama + ", \"attention_bias\": true", "attention_bias");
        fails(llama + ", \"mlp_bias\": true", "mlp_bias");
        fails(llama + ", \"rope_theta\": 10000.0, \"rope_parameters\": {\"rope_theta\": 500000.0}", "disagrees");
    }

    @Test
    void invalidValues() throws IOException {
        String llama = "\"model_type\": \"llama\", ";
        fails(llama + MINIMAL.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"),
                "hidden_size 32 is not divisible by num_attention_heads 5");
        fails(llama + MINIMAL + ", \"num_key_value_heads\": 3", "must be a multiple of num_key_value_heads (3)");
        fails(llama + MINIMAL.replace("100", "-1"), "vocab_size must be positive");
        fails(llama + MINIMAL.replace("100", "\"big\""), "vocab_size must be an integer", "\"big\"");
        fails(llama + MINIMAL + ", \"rms_norm_eps\": 0", "rms_norm_eps");
        Path notJson = Files.writeString(tmp.resolve("config.json"), "{ oops");
        TestFiles.assertMessage(assertThrows(Lowrank4jException.class, () -> LlamaConfigJson.read(notJson)),
                "config.json", "not valid JSON");
        Path missing = tmp.resolve("nothing/config.json");
        TestFiles.assertMessage(assertThrows(Lowrank4jException.class, () -> LlamaConfigJson.read(missing)),
                "config.json", "not found");
    }

    @Test
    void toHfJsonRoundTripsAndLooksLikeTransformers() throws IOException {
        LlamaConfig c = new LlamaConfig(256, 64, 176, 2, 4, 2, 16, 1e-5, 500000.0, true, 128, 0.01);
        String json = LlamaConfigJson.write(c);
        Path p = Files.writeString(tmp.resolve("config.json"), json);
        assertEquals(c, LlamaConfigJson.read(p));

        JsonNode n = Json.MAPPER.readTree(json);
        assertEquals("llama", n.get("model_type").asText());
        assertEquals("LlamaForCausalLM", n.get("architectures").get(0).asText());
        assertEquals("default", n.get("rope_parameters").get("rope_type").asText());
        assertEquals(500000.0, n.get("rope_parameters").get("rope_theta").asDouble());
        assertEquals(500000.0, n.get("rope_theta").asDouble());
        assertEquals("float32", n.get("torch_dtype").asText());
        assertEquals(16, n.get("head_dim").asInt());
        assertTrue(n.get("tie_word_embeddings").asBoolean());
        assertTrue(json.contains("\n  \"vocab_size\": 256\n}"), json);
    }
}
