package dev.lowrank4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.bounds.ClassifierFolder;
import dev.lowrank4j.models.vision.Mlp;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.lowrank4j.cli.CliRun.assertOneLineError;
import static dev.lowrank4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundCommandTest {
    private static final Path DIGITS = Path.of("../lowrank4j-core/src/test/resources/digits-8x8");
    private static final Path SPAM = Path.of("../lowrank4j-core/src/test/resources/spam-mini");

    @Test
    void syntheticJsonHasLayersAndTotalsKeyedByBound() {
        CliRun r = run("bound", "--synthetic", "orthogonal", "--width", "16", "--depth", "3", "--koopman-include-last", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = Json.parseObject(r.out().getBytes(StandardCharsets.UTF_8), "bound output");
        assertEquals(3, o.get("layers").size());
        for (String key : List.of("koopman", "frobenius", "path", "golowich", "spectral", "pacbayes")) {
            assertTrue(o.get("totals").has(key), key);
        }
        assertEquals(0, o.get("totals").get("koopman").get("log10_complexity").asDouble(), 1e-4);
        assertTrue(o.get("totals").get("frobenius").get("log10_bound").isNull());
        assertEquals(1.0, o.get("layers").get(0).get("condition_number").asDouble(), 1e-5);
    }

    @Test
    void classifierFolderWithDataGetsMarginsAndBounds(@TempDir Path tmp) {
        Mlp mlp = new Mlp(1, 8, 8, List.of(64), 10, 3);
        ClassifierFolder.save(tmp, new ClassifierFolder.Architecture("mlp", 1, 8, 8, 10, List.of(64)), mlp);
        Path out = tmp.resolve("bounds.json");
        // an untrained network has negative margins at the 10% quantile: the margin bounds are skipped with a warning
        CliRun r = run("bound", "--model", tmp.toString(), "--data", DIGITS.toString(), "--split", "test",
                "--margin-quantile", "0.99", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = Json.parseObject(r.out().getBytes(StandardCharsets.UTF_8), "bound output");
        assertEquals(360, o.get("data").get("n").asInt());
        assertEquals(2, o.get("layers").size());
        assertEquals("fc1.weight", o.get("layers").get(0).get("name").asText());
        assertTrue(Files.isRegularFile(out));
        CliRun text = run("bound", "--model", tmp.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("fc2.weight"), text.out());
    }

    @Test
    void pretrainLogsBoundsEveryNSteps(@TempDir Path tmp) throws java.io.IOException {
        Path out = tmp.resolve("run");
        CliRun r = run("pretrain", "--preset", "debug", "--steps", "2", "--log-bounds", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = boundRecords(out);
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).startsWith("{\"step\":2,\"log10_koopman\""), lines.get(1));
        assertTrue(Files.readString(out.resolve("report.html")).contains("Generalization bounds"));
        assertOneLineError(run("pretrain", "--preset", "debug", "--steps", "1", "--log-bounds", "0", "--out", tmp.resolve("r2").toString()),
                "--log-bounds must be >= 1");
    }

    @Test
    void badInputIsAOneLineError(@TempDir Path tmp) {
        assertOneLineError(run("bound"), "exactly one of --model and --synthetic");
        assertOneLineError(run("bound", "--synthetic", "unitary"), "unknown synthetic network 'unitary'");
        assertOneLineError(run("bound", "--synthetic", "gaussian", "--data", "mnist"), "--data applies to --model");
        assertOneLineError(run("bound", "--model", tmp.toString(), "--width", "3"), "--width, --depth and --seed do nothing");
        assertOneLineError(run("bound", "--synthetic", "gaussian", "--split", "test"), "do nothing without --data");
        assertOneLineError(run("bound", "--model", tmp.resolve("nope").toString()), "model folder not found");
        assertOneLineError(run("bound", "--synthetic", "gaussian", "--width", "0"), "--width and --depth must be >= 1");
        assertFalse(run("bound", "--help").out().isEmpty());
    }

    /** `dlrt --log-bounds` on the digits for one epoch, then `bound` on its run folder with margins on the test split. */
    @Test
    void dlrtRunLogsBoundsAndItsFolderIsBoundWithData(@TempDir Path tmp) throws Exception {
        assertOneLineError(run("dlrt", "--model", "mlp", "--data", DIGITS.toString(), "--log-bounds", "0"), "--log-bounds must be >= 1");
        Path dir = tmp.resolve("dlrt");
        CliRun t = run("dlrt", "--model", "mlp", "--data", DIGITS.toString(), "--epochs", "1", "--integrator", "adam", "--lr", "0.005",
                "--start-rank", "8", "--log-bounds", "11", "--out", dir.toString());
        assertEquals(0, t.code(), t.err());
        assertEquals(2, boundRecords(dir).size());
        CliRun r = run("bound", "--model", dir.toString(), "--data", DIGITS.toString(), "--split", "test", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = Json.parseObject(r.out().getBytes(StandardCharsets.UTF_8), "bound output");
        assertTrue(o.get("feed_forward_chain").asBoolean());
        assertEquals(5, o.get("layers").size());
        double acc = Json.readObjectFile(dir.resolve("summary.json")).get("test_accuracy").asDouble();
        assertEquals(acc, o.get("data").get("accuracy").asDouble(), 1e-9);
        assertEquals("Infinity", o.get("layers").get(0).get("condition_number").asText(), "rank-8 fc1 is singular");
    }

    /** Square networks on the digits shrunk to 4x4 and kept at 8x8: one sweep, Koopman defined for both widths. */
    @Test
    void squareSweepOverResizedInputsRanksEveryRunTogether(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sq");
        CliRun r = run("bound-sweep", "--data", DIGITS.toString(), "--resize", "4,8", "--square", "--penalties", "0,0.1", "--epochs", "1",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode sweep = Json.readObjectFile(out.resolve("sweep.json"));
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode run : sweep.get("runs")) {
            names.add(run.get("name").asText());
            // square and injective, so the Koopman complexity is finite (the bound itself needs a positive margin,
            // which one epoch does not give)
            JsonNode koopman = Json.readObjectFile(out.resolve(run.get("name").asText()).resolve("bounds.json")).get("totals").get("koopman");
            assertTrue(koopman.get("log10_complexity").isNumber(), run.get("name") + ": " + koopman);
        }
        assertEquals(List.of("s4-w16-p0.0", "s4-w16-p0.1", "s8-w64-p0.0", "s8-w64-p0.1"), names);
        assertEquals("1x4x4", sweep.get("runs").get(0).get("input").asText());
        assertTrue(sweep.get("spearman").get("koopman").has("accuracy_gap"));
        assertOneLineError(run("bound-sweep", "--data", DIGITS.toString(), "--square", "--widths", "8", "--out", tmp.resolve("a").toString()),
                "--square sets the widths");
        assertOneLineError(run("bound-sweep", "--data", DIGITS.toString(), "--resize", "9", "--out", tmp.resolve("b").toString()),
                "cannot shrink 8x8 images to 9x9");
    }

    /** --seeds trains each configuration once per seed; Spearman ranks every defined run, the spread is per configuration. */
    @Test
    void seedsTrainEveryConfigurationOncePerSeedAndSummariseTheSpread(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("seeds");
        CliRun r = run("bound-sweep", "--data", DIGITS.toString(), "--resize", "4", "--square", "--penalties", "0,0.1", "--epochs", "2",
                "--seeds", "1,2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode sweep = Json.readObjectFile(out.resolve("sweep.json"));
        List<String> names = new java.util.ArrayList<>();
        int definedFrobenius = 0;
        for (JsonNode run : sweep.get("runs")) {
            names.add(run.get("name").asText());
            if (run.get("log10_bounds").get("frobenius").isNumber()) definedFrobenius++;
        }
        assertEquals(List.of("s4-w16-p0.0-seed1", "s4-w16-p0.0-seed2", "s4-w16-p0.1-seed1", "s4-w16-p0.1-seed2"), names);
        assertEquals(definedFrobenius, sweep.get("spearman").get("frobenius").get("runs").asInt(), "every defined run is ranked");
        JsonNode seed1 = sweep.get("runs").get(0), seed2 = sweep.get("runs").get(1);
        assertTrue(seed1.get("train_loss").asDouble() != seed2.get("train_loss").asDouble(), "the seed reaches the training");
        JsonNode spread = sweep.get("across_seeds");
        assertEquals(2, spread.size());
        assertEquals("s4-w16-p0.0", spread.get(0).get("configuration").asText());
        assertEquals(2, spread.get(0).get("seeds").asInt());
        double a = seed1.get("accuracy_gap").asDouble(), b = seed2.get("accuracy_gap").asDouble();
        assertEquals((a + b) / 2, spread.get(0).get("accuracy_gap_mean").asDouble(), 1e-12);
        assertEquals(Math.abs(a - b) / Math.sqrt(2), spread.get(0).get("accuracy_gap_sd").asDouble(), 1e-12);
        assertTrue(Files.readString(out.resolve("sweep.md")).contains("| s4-w16-p0.1 | 2 |"));
        assertTrue(Files.isDirectory(out.resolve("s4-w16-p0.1-seed2")), "one model folder per run");
        assertOneLineError(run("bound-sweep", "--data", DIGITS.toString(), "--seeds", "3,3", "--out", tmp.resolve("c").toString()),
                "the seeds repeat");
    }

    /** A tiny pretrain run on a repetitive text: next-token margins on the text's windows fill the data-dependent bounds. */
    @Test
    void llamaRunWithTextDataGetsNextTokenMarginsAndBounds(@TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("text.txt");
        Files.writeString(text, "the cat sat on the mat. ".repeat(40)); // 960 bytes = 30 windows of 32 byte tokens
        Path lm = tmp.resolve("lm");
        CliRun t = run("pretrain", "--preset", "debug", "--steps", "40", "--lr", "1e-2", "--corpus", text.toString(), "--out", lm.toString());
        assertEquals(0, t.code(), t.err());
        CliRun r = run("bound", "--model", lm.toString(), "--data", text.toString(), "--seq", "32", "--margin-quantile", "0.5", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = Json.parseObject(r.out().getBytes(StandardCharsets.UTF_8), "bound output");
        assertFalse(o.get("feed_forward_chain").asBoolean());
        assertTrue(o.has("caveat"));
        assertEquals(30 * 31, o.get("data").get("n").asInt());
        assertTrue(o.get("data").get("margin").asDouble() > 0, "40 steps learn the repeated sentence: " + o.get("data"));
        assertTrue(o.get("data").get("max_input_norm").asDouble() > 0);
        assertTrue(o.get("totals").get("frobenius").get("log10_bound").isNumber(), o.get("totals").toString());
        assertOneLineError(run("bound", "--model", lm.toString(), "--data", tmp.resolve("missing.txt").toString()), "not found");
        Path shortText = tmp.resolve("short.txt");
        Files.writeString(shortText, "too short");
        assertOneLineError(run("bound", "--model", lm.toString(), "--data", shortText.toString(), "--seq", "32"), "fewer than one window");
        assertOneLineError(run("bound", "--model", lm.toString(), "--data", text.toString(), "--split", "test"), "--split picks an image or spam split");
    }

    /** A BERT classifier folder (tiny, random, MiniLM's vocabulary) with --data a SpamAssassin folder: margins per e-mail. */
    @Test
    void bertClassifierWithSpamDataGetsMarginsPerEmail(@TempDir Path tmp) throws Exception {
        var cfg = new dev.lowrank4j.models.bert.BertConfig(30522, 16, 1, 2, 32, 64, 2, 1e-12);
        var classifier = new dev.lowrank4j.models.bert.SequenceClassifier(new dev.lowrank4j.models.bert.BertEncoder(cfg, 2), 2, 3);
        var w = new dev.lowrank4j.io.SafeTensorsWriter();
        classifier.parameters().forEach(p -> w.putFloat(p.name(), p.value()));
        Path dir = Files.createDirectories(tmp.resolve("spam-model"));
        w.write(dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), dev.lowrank4j.io.BertConfigJson.write(cfg, 2));
        CliRun r = run("bound", "--model", dir.toString(), "--data", SPAM.toString(), "--split", "test", "--seed", "3",
                "--max-tokens", "32", "--margin-quantile", "0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = Json.parseObject(r.out().getBytes(StandardCharsets.UTF_8), "bound output");
        JsonNode data = o.get("data");
        assertEquals("spam test", data.get("split").asText());
        assertTrue(data.get("n").asInt() >= 1 && data.get("n").asInt() < 20, data.toString());
        assertTrue(data.get("max_input_norm").asDouble() > 0, data.toString());
        assertTrue(o.get("layers").toString().contains("classifier.weight"), "the head is one of the layers");
        assertOneLineError(run("bound", "--model", dir.toString(), "--data", "mnist"), "spam or a SpamAssassin folder");
        assertOneLineError(run("bound", "--model", dir.toString(), "--data", SPAM.toString(), "--seq", "8"), "use --max-tokens");
        assertOneLineError(run("bound", "--model", "minilm", "--data", SPAM.toString()), "no classifier head");
        assertOneLineError(run("bound", "--model", dir.toString(), "--max-tokens", "8"), "--data spam");
    }

    /** The bound records `--log-bounds` wrote into the run's metrics.jsonl. */
    private static List<String> boundRecords(Path run) throws java.io.IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"log10_koopman\"")).toList();
    }
}
