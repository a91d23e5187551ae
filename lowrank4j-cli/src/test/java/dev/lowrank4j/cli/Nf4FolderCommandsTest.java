package dev.lowrank4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.lowrank4j.cli.CliRun.assertOneLineError;
import static dev.lowrank4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bitsandbytes NF4 folder (LoQT's model-nf4/) is a model every LLaMA command takes; a fine-tuning checkpoint is refused in one line. */
class Nf4FolderCommandsTest {
    @TempDir
    static Path tmp;
    static Path run, nf4, text;

    @BeforeAll
    static void trainLoqt() throws Exception {
        run = tmp.resolve("loqt");
        CliRun r = run("pretrain", "--preset", "debug", "--steps", "3", "--method", "loqt", "--rank", "4", "--update-gap", "2",
                "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        nf4 = run.resolve("model-nf4");
        assertTrue(Files.isRegularFile(nf4.resolve("config.json")));
        text = Files.writeString(tmp.resolve("text.txt"), "Call me Ishmael. Some years ago, never mind how long precisely, "
                .repeat(40));
    }

    private static JsonNode evalJson(Path model) throws Exception {
        CliRun r = run("eval", "--model", model.toString(), "--text", text.toString(), "--seq", "32", "--json");
        assertEquals(0, r.code(), r.err());
        return Json.MAPPER.readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void evalOfTheNf4FolderIsCloseToItsFloatTwin() throws Exception {
        JsonNode q = evalJson(nf4), f = evalJson(run.resolve("model"));
        assertEquals("nf4 (bitsandbytes)", q.path("scheme").asText(), q.toString());
        double dq = q.path("loss").asDouble(), df = f.path("loss").asDouble();
        // the NF4 folder is the float model re-encoded once: the loss moves by rounding, not by a different model
        assertTrue(Double.isFinite(dq) && Math.abs(dq - df) < 0.05 * df, "nf4 " + dq + " vs float " + df);
    }

    @Test
    void generateAndForwardRunOnTheNf4Folder() throws Exception {
        CliRun g = run("generate", "--model", nf4.toString(), "--prompt", "Call me", "--max-tokens", "5", "--seed", "1");
        assertEquals(0, g.code(), g.err());
        assertTrue((g.out() + g.err()).contains("nf4"), g.out() + g.err());
        Path input = Path.of(Nf4FolderCommandsTest.class.getResource("/hf-tiny-llama/tinyllama/reference.safetensors").toURI());
        Path outQ = tmp.resolve("fq.safetensors"), outF = tmp.resolve("ff.safetensors");
        assertEquals(0, run("forward", "--model", nf4.toString(), "--input", input.toString(), "--out", outQ.toString()).code());
        assertEquals(0, run("forward", "--model", run.resolve("model").toString(), "--input", input.toString(), "--out", outF.toString()).code());
        float[] q, f;
        try (var a = SafeTensors.open(outQ); var b = SafeTensors.open(outF)) {
            q = a.readFloat("logits").data;
            f = b.readFloat("logits").data;
        }
        double diff = 0, scale = 0;
        for (int i = 0; i < q.length; i++) {
            diff = Math.max(diff, Math.abs(q[i] - f[i]));
            scale = Math.max(scale, Math.abs(f[i]));
        }
        assertTrue(diff > 0 && diff < 0.1 * scale, "NF4 vs float logits: max diff " + diff + ", max |logit| " + scale);
    }

    @Test
    void loraFinetunesOverTheNf4BaseAndFullIsRefused() {
        Path out = tmp.resolve("ft");
        CliRun r = run("finetune", "--model", nf4.toString(), "--text", text.toString(), "--method", "lora", "--rank", "2",
                "--steps", "2", "--batch", "2", "--seq", "32", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_config.json")));
        assertOneLineError(run("finetune", "--model", nf4.toString(), "--text", text.toString(), "--method", "full",
                "--steps", "2", "--out", tmp.resolve("ft-full").toString()), "full fine-tuning needs float weights");
        assertOneLineError(run("quantize", "--model", nf4.toString(), "--method", "rtn", "--bits", "4",
                "--out", tmp.resolve("q").toString()), "holds bitsandbytes NF4 weights");
    }

    @Test
    void aFineTuningCheckpointIsRefusedAsAModelInOneLine() throws Exception {
        Path out = tmp.resolve("ft-float");
        CliRun r = run("finetune", "--model", run.resolve("model").toString(), "--text", text.toString(), "--method", "lora",
                "--rank", "2", "--steps", "2", "--batch", "2", "--seq", "32", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path checkpoint;
        try (var steps = Files.list(out.resolve("checkpoints"))) {
            checkpoint = steps.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        // its model file holds adapter factors beside the frozen weights: the error points at the run folder
        assertOneLineError(run("eval", "--model", checkpoint.toString(), "--text", text.toString(), "--seq", "32"),
                "is a checkpoint of the fine-tuning run");
        // and the folder it points at loads
        assertTrue(Double.isFinite(evalJson(out.resolve("model")).path("loss").asDouble(Double.NaN)));
    }
}
