package dev.lowrank4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tasks.Sampler;
import dev.lowrank4j.tasks.quantize.GenerateJob;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.lowrank4j.cli.CliRun.assertOneLineError;
import static dev.lowrank4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `bench decode`: one JSON object per format, and under fp32 the very tokens `generate` decodes greedily. */
class BenchDecodeCommandTest {
    @TempDir
    Path tmp;

    private Path model() {
        LlamaConfig cfg = new LlamaConfig(256, 32, 48, 2, 2, 2, 16, 1e-5, 10000.0, false, 64, 0.02);
        Path dir = tmp.resolve("model");
        HfCheckpoint.save(dir, cfg, new LlamaModel(cfg, 3).stateDict());
        return dir;
    }

    @Test
    void fp32DecodesWhatGenerateDecodesAndFourBitWeightsAreSmaller() {
        Path model = model();
        CliRun r = run("bench", "decode", "--model", model.toString(), "--prompt", "call me", "--tokens", "12", "--rounds", "1",
                "--weights", "fp32,nf4,int4", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        List<JsonNode> js = new ArrayList<>();
        for (String l : lines) js.add(Json.parseObject(l.getBytes(StandardCharsets.UTF_8), "bench decode --json"));
        assertEquals(List.of("fp32", "nf4", "int4"), js.stream().map(j -> j.get("weights").asText()).toList());

        List<Integer> generated = new ArrayList<>();
        GenerateJob.run(model.toString(), "call me", 12, new Sampler(0, 0, 1, 0), generated::add);
        List<Integer> decoded = new ArrayList<>();
        js.get(0).get("decoded").forEach(t -> decoded.add(t.asInt()));
        assertEquals(generated, decoded);

        JsonNode fp32 = js.get(0);
        assertEquals(1.0, fp32.get("ratio_to_fp32").asDouble(), 1e-12);
        assertEquals(7, fp32.get("prompt_tokens").asInt()); // bytes of "call me"
        assertEquals(12, fp32.get("tokens").asInt());
        for (JsonNode j : js) {
            assertTrue(j.get("tokens_per_second").asDouble() > 0, j.toString());
            assertEquals(1e3 / j.get("tokens_per_second").asDouble(), j.get("ms_per_token").asDouble(), 1e-9);
            assertEquals(j.get("tokens_per_second").asDouble() / fp32.get("tokens_per_second").asDouble(),
                    j.get("ratio_to_fp32").asDouble(), 1e-9);
            assertEquals(12, j.get("decoded").size());
            assertTrue(j.get("min_ms_per_token").asDouble() <= j.get("median_ms_per_token").asDouble(), j.toString());
            assertTrue(j.get("cpu").asText().length() > 0);
        }
        // the head stays float32 unless --quantize-head, so 4-bit saves 7/8 of the block weights only
        long blocks = 2L * (4 * 32 * 32 + 3 * 32 * 48), head = 256L * 32;
        assertEquals(4 * (blocks + head), fp32.get("weight_bytes").asLong());
        assertTrue(js.get(2).get("weight_bytes").asLong() < 4 * head + blocks, js.get(2).toString());
    }

    @Test
    void mistakesAreOneLineErrors() {
        assertOneLineError(run("bench", "decode", "--preset", "9m", "--weights", "fp32,int9"), "unknown weight format 'int9'");
        assertOneLineError(run("bench", "decode", "--preset", "9m", "--prompt", "x"), "--prompt does nothing with random weights");
        assertOneLineError(run("bench", "decode", "--preset", "9m", "--tokens", "1"), "--tokens must be >= 2");
        assertOneLineError(run("bench", "decode", "--model", tmp.resolve("none").toString(), "--dim", "64"), "--dim does nothing");
    }
}
