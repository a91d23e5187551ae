package dev.lowrank4j.adapters.peft;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.AdapterTestSupport.FakeHost;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraInjector;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static dev.lowrank4j.adapters.AdapterTestSupport.bitwiseEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeftAdapterTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheReferenceAdapterWrittenByPeft() {
        PeftAdapter a = PeftAdapter.read(PeftFixtures.referenceAdapter());
        PeftConfig c = a.config();
        assertEquals(4, c.r());
        assertEquals(8.0, c.loraAlpha());
        assertEquals(2.0, c.scaling());
        assertEquals(0.0, c.loraDropout());
        assertEquals(LoraInit.KAIMING_UNIFORM, c.init());
        assertEquals("CAUSAL_LM", c.taskType());
        assertEquals(TargetModules.names("down_proj", "gate_proj", "q_proj", "v_proj", "o_proj", "k_proj", "up_proj"), c.targets());
        assertEquals(2 * 7 * 2, a.tensors().size());
        assertArrayEquals(new int[]{4, 64}, a.tensors().get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());
        assertArrayEquals(new int[]{64, 4}, a.tensors().get("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape());
    }

    @Test
    void appliesTheReferenceAdapterToAModelOfItsShape() {
        FakeHost host = FakeHost.tinyLlamaShaped(new SplittableRandom(1));
        PeftAdapter a = PeftAdapter.read(PeftFixtures.referenceAdapter());
        LoraAdapters lora = a.applyTo(host, 0);
        assertEquals(14, lora.modulePaths().size());
        assertInstanceOf(Linear.class, host.linears().get("lm_head"));
        LoraLinear up = lora.layer("model.layers.1.mlp.up_proj");
        assertEquals(2f, up.scaling());
        assertTrue(bitwiseEqual(a.tensors().get("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight").data, up.loraB().data()));
    }

    @Test
    void saveThenLoadIsBitIdenticalAndResavingGivesTheSameBytes() throws IOException {
        SplittableRandom rng = new SplittableRandom(2);
        FakeHost host = new FakeHost(2, 16, 10, rng);
        LoraConfig cfg = new LoraConfig(3, 6, 0.05, true, LoraInit.GAUSSIAN, TargetModules.names("q_proj", "v_proj"), 4);
        LoraAdapters trained = LoraInjector.inject(host, cfg);
        for (LoraLinear l : trained.layers()) GradCheck.fillRandom(l.loraB(), rng, 0, 0.1);
        Path first = tmp.resolve("first");
        PeftAdapter.save(first, trained, "tiny-base");

        FakeHost fresh = new FakeHost(2, 16, 10, new SplittableRandom(2));
        PeftAdapter read = PeftAdapter.read(first);
        assertEquals(PeftConfig.of(cfg, "tiny-base"), read.config());
        LoraAdapters loaded = read.applyTo(fresh, 4);
        assertEquals(trained.modulePaths(), loaded.modulePaths());
        for (String p : trained.modulePaths()) {
            assertTrue(bitwiseEqual(trained.layer(p).loraA().data(), loaded.layer(p).loraA().data()), p);
            assertTrue(bitwiseEqual(trained.layer(p).loraB().data(), loaded.layer(p).loraB().data()), p);
            assertEquals(trained.layer(p).scaling(), loaded.layer(p).scaling());
        }
        Path second = tmp.resolve("second");
        PeftAdapter.save(second, read.config(), loaded, java.util.Map.of());
        for (String f : List.of(PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE)) {
            assertArrayEquals(Files.readAllBytes(first.resolve(f)), Files.readAllBytes(second.resolve(f)), f);
        }
    }

    @Test
    void aPissaAdapterReloadedOnTheOriginalBaseReproducesTheTrainedModel() {
        SplittableRandom rng = new SplittableRandom(6);
        FakeHost host = new FakeHost(1, 16, 10, rng);
        LoraAdapters trained = LoraInjector.inject(host, new LoraConfig(3, 3, 0, false, LoraInit.PISSA, TargetModules.names("q_proj"), 0));
        for (LoraLinear l : trained.layers()) GradCheck.fillRandom(l.loraB(), rng, 0, 0.1); // "training"
        PeftAdapter.save(tmp, trained, null);
        FakeHost original = new FakeHost(1, 16, 10, new SplittableRandom(6));
        PeftAdapter.read(tmp).applyTo(original, 0);
        String q = "model.layers.0.self_attn.q_proj";
        Tensor x = dev.lowrank4j.adapters.AdapterTestSupport.randomInput(rng, 3, 16);
        assertTrue(bitwiseEqual(host.linears().get(q).forward(x).data, original.linears().get(q).forward(x).data),
                "PiSSA residual + loaded factors must rebuild the trained layer");
    }

    @Test
    void writtenConfigHasPeftsFieldSetAndKeyLayout() throws IOException {
        FakeHost host = new FakeHost(1, 8, 4, new SplittableRandom(3));
        LoraAdapters lora = LoraInjector.inject(host, LoraConfig.defaults(TargetModules.names("q_proj")).withRank(2));
        PeftAdapter.save(tmp, lora, null);
        String json = Files.readString(tmp.resolve(PeftAdapter.CONFIG_FILE));
        for (String field : List.of("\"peft_type\": \"LORA\"", "\"task_type\": \"CAUSAL_LM\"", "\"r\": 2", "\"lora_alpha\": 8",
                "\"lora_dropout\": 0.0", "\"use_rslora\": false", "\"init_lora_weights\": true", "\"bias\": \"none\"",
                "\"fan_in_fan_out\": false", "\"modules_to_save\": null", "\"base_model_name_or_path\": null",
                "\"inference_mode\": true", "\"rank_pattern\": {}", "\"alpha_pattern\": {}", "\"use_dora\": false",
                "\"lora_bias\": false", "\"revision\": null", "\"layers_to_transform\": null", "\"layers_pattern\": null",
                "\"peft_version\": \"0.21.0\"", "\"target_modules\": [")) {
            assertTrue(json.contains(field), "missing " + field + " in\n" + json);
        }
        try (SafeTensorsFile f = SafeTensors.open(tmp.resolve(PeftAdapter.WEIGHTS_FILE))) {
            assertEquals(List.of("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                    "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"), List.copyOf(f.names()));
            assertArrayEquals(new int[]{2, 8}, f.entry("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());
            assertArrayEquals(new int[]{8, 2}, f.entry("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight").shape());
        }
    }

    // ------------------------------------------------------------ config errors

    @Test
    void unsupportedConfigsAreOneLineErrorsNamingTheField() throws IOException {
        assertConfigError(c -> c.put("peft_type", "IA3"), "peft_type 'IA3'");
        assertConfigError(c -> c.put("r", 0), "r must be positive");
        assertConfigError(c -> c.put("r", "4"), "r must be an integer");
        assertConfigError(c -> c.put("use_dora", true), "use_dora");
        assertConfigError(c -> c.put("fan_in_fan_out", true), "fan_in_fan_out");
        assertConfigError(c -> c.put("lora_bias", true), "lora_bias");
        assertConfigError(c -> c.put("bias", "all"), "bias 'all'");
        assertConfigError(c -> c.putObject("rank_pattern").put("q_proj", 8), "rank_pattern");
        assertConfigError(c -> c.put("init_lora_weights", "olora"), "init_lora_weights 'olora'");
        assertConfigError(c -> c.putNull("target_modules"), "target_modules is not set");
    }

    private void assertConfigError(Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit, String expected) throws IOException {
        Path dir = PeftFixtures.withEditedConfig(PeftFixtures.referenceAdapter(), tmp.resolve("c" + System.nanoTime()), edit);
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> PeftAdapter.read(dir));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(PeftAdapter.CONFIG_FILE), "names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    // ------------------------------------------------------------ model-fit errors

    @Test
    void targetModulesAbsentFromTheModelAreNamed() throws IOException {
        Path dir = PeftFixtures.withEditedConfig(PeftFixtures.referenceAdapter(), tmp.resolve("t"),
                c -> c.putArray("target_modules").add("q_proj").add("query"));
        FakeHost host = FakeHost.tinyLlamaShaped(new SplittableRandom(4));
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> PeftAdapter.read(dir).applyTo(host, 0));
        assertTrue(e.getMessage().contains("'query'") && e.getMessage().contains("q_proj, k_proj"), e.getMessage());
        assertUntouched(host);
    }

    @Test
    void missingUnexpectedAndMisshapenKeysAreListedAndTheModelIsLeftAlone() {
        String q0 = "base_model.model.model.layers.0.self_attn.q_proj";
        Map<String, Tensor> ref = PeftAdapter.read(PeftFixtures.referenceAdapter()).tensors();

        Path missing = rewriteWeights("missing", ref, (k, w) -> {
            if (!k.equals(q0 + ".lora_B.weight")) w.putFloat(k, ref.get(k));
        });
        assertFitError(missing, "missing keys (1): " + q0 + ".lora_B.weight");

        Path extra = rewriteWeights("extra", ref, (k, w) -> {
            w.putFloat(k, ref.get(k));
            if (k.equals(q0 + ".lora_B.weight")) w.putFloat("base_model.model.lm_head.lora_A.weight", Tensor.zeros(4, 64));
        });
        assertFitError(extra, "unexpected keys (1): base_model.model.lm_head.lora_A.weight");

        Path shape = rewriteWeights("shape", ref, (k, w) -> w.putFloat(k,
                k.equals(q0 + ".lora_A.weight") ? Tensor.zeros(4, 63) : ref.get(k)));
        assertFitError(shape, q0 + ".lora_A.weight is [4, 63], the model needs [4, 64]");

        Path rank = rewriteWeights("rank", ref, (k, w) -> w.putFloat(k,
                k.equals(q0 + ".lora_B.weight") ? Tensor.zeros(64, 5) : ref.get(k)));
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> PeftAdapter.read(rank));
        assertTrue(e.getMessage().contains("rank r = 4") && e.getMessage().contains(q0 + ".lora_B.weight [64, 5]"), e.getMessage());
    }

    private void assertFitError(Path dir, String expected) {
        FakeHost host = FakeHost.tinyLlamaShaped(new SplittableRandom(5));
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> PeftAdapter.read(dir).applyTo(host, 0));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertUntouched(host);
    }

    private static void assertUntouched(FakeHost host) {
        assertTrue(host.linears().values().stream().allMatch(l -> l instanceof Linear), "model was modified");
        assertTrue(host.parameters().stream().allMatch(p -> p.trainable()), "parameters were frozen");
    }

    private interface KeyWriter {
        void write(String key, SafeTensorsWriter w);
    }

    private Path rewriteWeights(String name, Map<String, Tensor> ref, KeyWriter rule) {
        Path dir = tmp.resolve(name);
        try {
            Files.createDirectories(dir);
            Files.copy(PeftFixtures.referenceAdapter().resolve(PeftAdapter.CONFIG_FILE), dir.resolve(PeftAdapter.CONFIG_FILE));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (String k : ref.keySet()) rule.write(k, w);
        w.write(dir.resolve(PeftAdapter.WEIGHTS_FILE));
        return dir;
    }
}
