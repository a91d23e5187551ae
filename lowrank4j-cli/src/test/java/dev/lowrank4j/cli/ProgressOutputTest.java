package dev.lowrank4j.cli;

import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static dev.lowrank4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long commands as a log sees them (tests run without a terminal): a line before each long phase,
 * periodic lines with done/total, a closing line; results on stdout stay machine-readable.
 * Content only, never timing.
 */
class ProgressOutputTest {
    @TempDir
    Path tmp;

    private Path model() {
        LlamaConfig cfg = new LlamaConfig(256, 16, 24, 2, 2, 2, 8, 1e-5, 10000.0, false, 64, 0.02);
        Path dir = tmp.resolve("model");
        HfCheckpoint.save(dir, cfg, new LlamaModel(cfg, 3).stateDict());
        return dir;
    }

    private Path text() throws Exception {
        return Files.writeString(tmp.resolve("t.txt"), "call me ishmael. ".repeat(40));
    }

    private static List<String> matching(String output, String regex) {
        Pattern p = Pattern.compile(regex);
        return output.lines().filter(l -> p.matcher(l).find()).toList();
    }

    @Test
    void quantizePrintsEachBlockEveryHundredIterationsAndItsSetup() throws Exception {
        Path model = model(), out = tmp.resolve("q");
        CliRun q = run("quantize", "--model", model.toString(), "--method", "lrq", "--bits", "4", "--calib", text().toString(),
                "--calib-samples", "2", "--seq", "16", "--iters", "200", "--out", out.toString());
        assertEquals(0, q.code(), q.err());
        String o = q.out();
        assertTrue(o.startsWith("loading " + model + " ..."), "the first line names the first phase: " + o);
        assertEquals(1, matching(o, "^tokenizing calibration text .* \\.\\.\\.$").size(), o);
        for (int block = 1; block <= 2; block++) {
            String b = "^block " + block + "/2 model\\.layers\\." + (block - 1);
            assertEquals(1, matching(o, b + ": 200 iterations \\.\\.\\.$").size(), o);
            assertEquals(List.of(100L, 200L), matching(o, b + ": \\d+/200 iterations, elapsed \\d+m\\d\\ds, eta \\d+m\\d\\ds$").stream()
                    .map(l -> Long.parseLong(l.replaceAll(".*: (\\d+)/200.*", "$1"))).toList(), o);
            assertEquals(1, matching(o, b + ": block loss .* -> .*, model eta \\d+m\\d\\ds \\(\\d+m\\d\\ds\\)$").size(), o);
        }
        assertEquals(1, matching(o, "^writing " + Pattern.quote(out.toString()) + ": done \\(").size(), o);
    }

    @Test
    void evalReportsWindowsOnStderrAndKeepsStdoutJson() throws Exception {
        Path model = model();
        // 680 bytes of text, byte tokens: 680 / 8 = 85 windows of --seq 8, evaluated 4 at a time
        CliRun e = run("eval", "--model", model.toString(), "--text", text().toString(), "--seq", "8", "--json");
        assertEquals(0, e.code(), e.err());
        Json.parseObject(e.out().strip().getBytes(StandardCharsets.UTF_8), "eval output"); // nothing but the JSON
        String err = e.err();
        List<String> windows = matching(err, "^perplexity over .*t\\.txt: \\d+/85 windows, elapsed \\d+m\\d\\ds, eta \\d+m\\d\\ds$");
        assertTrue(windows.size() >= 9 && windows.size() <= 11, "about ten lines: " + err);
        assertTrue(windows.getLast().contains(": 85/85 windows"), err);
        assertTrue(err.startsWith("loading " + model + " ..."), err);
        assertEquals(1, matching(err, "^perplexity over .*t\\.txt: done \\(").size(), err);
    }

    @Test
    void dlrtSweepNumbersItsRuns() throws Exception {
        Path data = DlrtCommandTest.idxFolder(tmp.resolve("idx"), 40, 40, 16);
        CliRun r = run("dlrt", "--data", data.toString(), "--epochs", "1", "--batch", "20", "--start-rank", "4",
                "--sweep", "0.2,0.4", "--out", tmp.resolve("sweep").toString());
        assertEquals(0, r.code(), r.err());
        List<String> runs = matching(r.out(), "^== run \\d/3 ");
        assertEquals(3, runs.size(), r.out());
        assertTrue(runs.get(0).startsWith("== run 1/3 full-rank (sweep elapsed ") && runs.get(0).endsWith("eta ?)"), runs.get(0));
        assertTrue(runs.get(2).matches("== run 3/3 .* \\(sweep elapsed \\d+m\\d\\ds, eta \\d+m\\d\\ds\\)"), runs.get(2));
        assertTrue(r.out().startsWith("loading " + data + " ...\nloading " + data + ": done ("), r.out());
    }

    @Test
    void boundReportsEveryLayersSvdOnStderr() throws Exception {
        Path model = model();
        CliRun b = run("bound", "--model", model.toString(), "--json");
        assertEquals(0, b.code(), b.err());
        Json.parseObject(b.out().strip().getBytes(StandardCharsets.UTF_8), "bound output");
        // 2 blocks of q, k, v, o, gate, up, down = 14 matrices (plus the head/embedding the loader counts)
        List<String> layers = matching(b.err(), "^singular values of .*: \\d+/\\d+ layers, elapsed \\d+m\\d\\ds, eta \\d+m\\d\\ds$");
        assertTrue(layers.size() >= 7, b.err());
        String last = layers.getLast();
        String total = last.replaceAll(".*: \\d+/(\\d+) layers.*", "$1");
        assertTrue(last.contains(": " + total + "/" + total + " layers"), last);
    }
}
