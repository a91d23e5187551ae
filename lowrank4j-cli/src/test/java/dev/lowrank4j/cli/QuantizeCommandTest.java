package dev.lowrank4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.lowrank4j.cli.CliRun.assertOneLineError;
import static dev.lowrank4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** quantize, eval and generate as a user meets them: files written, JSON keys, one-line errors. */
class QuantizeCommandTest {
    @TempDir
    Path tmp;

    private Path model() {
        LlamaConfig cfg = new LlamaConfig(256, 16, 24, 2, 2, 2, 8, 1e-5, 10000.0, false, 64, 0.02);
        Path dir = tmp.resolve("model");
        HfCheckpoint.save(dir, cfg, new LlamaModel(cfg, 3).stateDict());
        return dir;
    }

    @Test
    void quantizeEvalAndGenerateWorkTogether() throws Exception {
        Path model = model(), out = tmp.resolve("q"), text = Files.writeString(tmp.resolve("t.txt"), "call me ishmael. ".repeat(40));
        CliRun q = run("quantize", "--model", model.toString(), "--method", "lrq", "--bits", "3", "--calib", text.toString(),
                "--calib-samples", "2", "--seq", "16", "--iters", "2", "--heldout", text.toString(), "--heldout-samples", "2",
                "--out", out.toString());
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("block 2/2"), q.out());
        assertTrue(q.out().contains("held-out "), q.out());
        assertTrue(Files.isRegularFile(out.resolve("quantization_config.json")));
        CliRun e = run("eval", "--model", out.toString(), "--text", text.toString(), "--seq", "16", "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode j = Json.parseObject(e.out().strip().getBytes(StandardCharsets.UTF_8), "eval output");
        assertTrue(j.get("perplexity").asDouble() > 1);
        assertEquals(Math.exp(j.get("loss").asDouble()), j.get("perplexity").asDouble(), 1e-9);
        long floatModel = Files.size(model.resolve("model.safetensors"));
        assertTrue(j.get("weight_bytes").asLong() > 0 && j.get("weight_bytes").asLong() < floatModel, "packed weights in memory: " + j);
        CliRun g = run("generate", "--model", out.toString(), "--prompt", "call", "--max-tokens", "5", "--temperature", "0");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().startsWith("call"), g.out());
        assertTrue(g.err().contains("5 generated"), g.err());
    }

    @Test
    void badInputIsAOneLineError() throws Exception {
        Path model = model(), text = Files.writeString(tmp.resolve("t.txt"), "short");
        String m = model.toString(), out = tmp.resolve("q").toString();
        assertOneLineError(run("quantize", "--model", m, "--method", "lrq", "--bits", "9", "--calib", text.toString(), "--out", out), 1,
                "bits must be between 2 and 8");
        assertOneLineError(run("quantize", "--model", m, "--method", "lrq", "--calib", text.toString(), "--seq", "16", "--out", out), 1,
                "shorter than one calibration sample");
        assertOneLineError(run("quantize", "--model", m, "--method", "rtn", "--rank", "4", "--out", out), 1, "--rank does nothing");
        assertOneLineError(run("quantize", "--model", m, "--method", "rtn", "--heldout", text.toString(), "--out", out), 1,
                "--heldout does nothing");
        assertOneLineError(run("quantize", "--model", m, "--method", "gptq", "--out", out), 1, "unknown quantization method");
        assertOneLineError(run("quantize", "--model", m, "--method", "rtn"), 2, "--out");
        assertOneLineError(run("generate", "--model", m, "--prompt", "x", "--top-p", "0"), 1, "--top-p");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void evalTaskSpamRefusesWhatIsNotAClassifier() throws Exception {
        String m = model().toString();
        assertOneLineError(run("eval", "--model", m), 1, "--text FILE is required");
        assertOneLineError(run("eval", "--model", m, "--task", "sentiment"), 1, "--task must be spam");
        assertOneLineError(run("eval", "--model", m, "--task", "spam", "--text", "x.txt"), 1, "leave out --text");
        assertOneLineError(run("eval", "--model", m, "--task", "spam"), 1, "scores a BERT classifier");
        assertOneLineError(run("eval", "--model", "minilm", "--task", "spam"), 1, "no classifier head");
    }
}
