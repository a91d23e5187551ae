package dev.lowrank4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.lowrank4j.cli.CliRun.assertOneLineError;
import static dev.lowrank4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pretrain/compare/memory with --method loqt and loqt-nq, as a user types them. */
class LoqtCommandsTest {
    @Test
    void memoryJsonPutsNf4BytesInTheirOwnEntry() {
        CliRun r = run("memory", "--config", "60m", "--method", "loqt", "--rank", "128", "--json");
        assertEquals(0, r.code(), r.err());
        // targeted W: 8·(4·512² + 3·512·1376) values, P: 8·7·512·128, each 0.5 B + 4 B per 64 values
        long w = 8L * (4 * 512 * 512 + 3 * 512 * 1376), p = 8L * 7 * 512 * 128;
        long nf4 = (w + p) / 2 + 4 * (w + p) / 64;
        assertTrue(r.out().contains("\"quantized_weights\":" + nf4), r.out());
        // B (longer side × r) plus the plain-Adam embeddings, norms, head; gradients in bf16
        long b = 8L * (4 * 512 + 3 * 1376) * 128, rest = 2L * 32000 * 512 + 17 * 512;
        assertTrue(r.out().contains("\"gradients\":" + 2 * (b + rest)), r.out());
        CliRun text = run("memory", "--config", "7b", "--method", "loqt", "--rank", "1024");
        assertTrue(text.out().contains("quantized_weights") && text.out().contains("full AdamW"), text.out());
    }

    @Test
    void loqtPretrainRunsAndResumesOntoTheSameModel(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        CliRun r = run("pretrain", "--preset", "debug", "--steps", "4", "--checkpoint-every", "1", "--method", "loqt", "--rank", "4",
                "--update-gap", "3", "--compensation-iters", "2", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("quantized_weights") || r.out().contains("quantized weights"), r.out());
        assertTrue(Files.exists(dir.resolve("model/model.safetensors")));
        // eval names what a checkpoint holds (NF4 W with B and P), and it computes what the merged export does
        Path text = Files.writeString(tmp.resolve("held-out.txt"), "Call me Ishmael. Some years ago, never mind how long precisely.".repeat(8));
        var fromCheckpoint = evalJson(dir.resolve("checkpoints/step-0000004"), text);
        var fromExport = evalJson(dir.resolve("model"), text);
        assertEquals("loqt checkpoint", fromCheckpoint.path("scheme").asText(), fromCheckpoint.toString());
        assertEquals("fp32", fromExport.path("scheme").asText(), fromExport.toString());
        assertEquals(fromExport.path("loss").asDouble(), fromCheckpoint.path("loss").asDouble(), 1e-4);
        // as if killed after checkpoint 3: the resumed run redoes step 4, a merge (T = 3), and exports the same bytes
        Path cut = tmp.resolve("cut");
        try (var files = Files.walk(dir)) {
            for (Path f : files.toList()) {
                String rel = dir.relativize(f).toString();
                if (rel.startsWith("model")) continue; // the exports must come from the resumed run
                Path to = cut.resolve(rel);
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else Files.copy(f, to);
            }
        }
        try (var files = Files.walk(cut.resolve("checkpoints/step-0000004"))) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
        CliRun resumed = run("pretrain", "--out", cut.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        for (String model : new String[] {"model/model.safetensors", "model-nf4/model.safetensors"}) {
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(dir.resolve(model)), Files.readAllBytes(cut.resolve(model))), model);
        }
    }

    @Test
    void loqtOptionsOutsideLoqtAndBadValuesAreOneLineErrors() {
        assertOneLineError(run("pretrain", "--method", "full", "--increment", "2"), "--increment does nothing with --method full");
        assertOneLineError(run("pretrain", "--method", "loqt-nq", "--compensation-iters", "3"), "loqt only");
        assertOneLineError(run("pretrain", "--method", "galore", "--quantize-projection"), "loqt only");
        assertOneLineError(run("pretrain", "--method", "loqt", "--compensation-iters", "-1"), "--compensation-iters must be >= 0");
        assertOneLineError(run("pretrain", "--method", "loqt", "--increment", "-1"), "--increment must be");
        assertOneLineError(run("pretrain", "--preset", "debug", "--method", "loqt", "--rank", "1000", "--out", "/tmp/loqt-never"),
                "LoQT needs r <= min(out, in)");
        assertFalse(Files.exists(Path.of("/tmp/loqt-never/run_config.json")), "nothing written for a refused rank");
        assertOneLineError(run("memory", "--config", "60m", "--method", "loqt", "--rank", "600"), "rank");
        assertOneLineError(run("memory", "--config", "60m", "--method", "galore", "--double-quant"), "loqt only");
    }

    @Test
    void compareRunsBothLoqtRows(@TempDir Path tmp) {
        CliRun r = run("compare", "--preset", "debug", "--methods", "loqt,loqt-nq", "--steps", "2", "--rank", "4",
                "--out", tmp.resolve("c").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("loqt-nq") && r.out().lines().anyMatch(l -> l.startsWith("loqt ")), r.out());
    }

    private static JsonNode evalJson(Path model, Path text) throws Exception {
        CliRun r = run("eval", "--model", model.toString(), "--text", text.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        return Json.MAPPER.readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }
}
