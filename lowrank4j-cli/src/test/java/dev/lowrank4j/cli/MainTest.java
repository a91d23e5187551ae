package dev.lowrank4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.lowrank4j.cli.CliRun.assertOneLineError;
import static dev.lowrank4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user meets it: exit codes, one-line errors, runs that write their files. */
class MainTest {
    @Test
    void unknownOptionIsAUsageError() {
        assertOneLineError(run("pretrain", "--stepz", "3"), 2, "--stepz");
    }

    @Test
    void badValuesAreOneLineErrors() {
        assertOneLineError(run("pretrain", "--steps", "0"), 1, "--steps must be >= 1");
        assertOneLineError(run("pretrain", "--preset", "huge"), 1, "unknown preset");
        assertOneLineError(run("pretrain", "--method", "dora"), 1, "unknown method");
        assertOneLineError(run("memory", "--config", "60m", "--method", "galore", "--rank", "0"), 1, "--rank must be > 0");
    }

    @Test
    void lowRankOptimizerMistakesAreOneLineErrors(@TempDir Path tmp) {
        String out = tmp.resolve("r").toString();
        assertOneLineError(run("pretrain", "--preset", "debug", "--method", "galore", "--rank", "999", "--out", out), 1, "rank 999");
        assertOneLineError(run("pretrain", "--preset", "debug", "--method", "galore", "--update-gap", "0", "--out", out), 1, "--update-gap must be > 0");
        assertOneLineError(run("pretrain", "--preset", "debug", "--method", "fira", "--proj-type", "diagonal", "--out", out), 1, "diagonal");
        assertOneLineError(run("pretrain", "--preset", "debug", "--method", "lora", "--rank", "-1", "--out", out), 1, "--rank must be > 0");
        // a model whose weights, gradients and Adam moments alone exceed the heap: refused before it is built, nothing written
        assertOneLineError(run("pretrain", "--dim", "8192", "--heads", "64", "--layers", "64", "--hidden", "22016", "--vocab", "32000",
                "--out", out), 1, "this run (--method full) needs at least");
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("r")), "no run folder");
    }

    @Test
    void galorePretrainRuns(@TempDir Path tmp) {
        CliRun r = run("pretrain", "--preset", "debug", "--method", "fira", "--rank", "4", "--update-gap", "2", "--steps", "3",
                "--out", tmp.resolve("r").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("method fira"), r.out());
    }

    @Test
    void adapterThatDoesNotFitIsAOneLineError(@TempDir Path tmp) throws Exception {
        Path base = Path.of(MainTest.class.getResource("/hf-tiny-llama/tinyllama").toURI());
        Path adapter = Path.of(MainTest.class.getResource("/hf-tiny-llama/adapter").toURI());
        // a model of another width cannot take the tiny LLaMA's adapter
        Path run = tmp.resolve("other");
        assertEquals(0, run("pretrain", "--preset", "debug", "--steps", "1", "--out", run.toString()).code());
        Path model = run.resolve("checkpoints/step-0000001");
        assertOneLineError(run("forward", "--model", model.toString(), "--adapter", adapter.toString(), "--input",
                base.resolve("reference.safetensors").toString(), "--out", tmp.resolve("o.safetensors").toString()), 1,
                "the adapter does not fit this model");
    }

    @Test
    void missingFilesAreOneLineErrors(@TempDir Path tmp) {
        assertOneLineError(run("forward", "--model", tmp.resolve("nope").toString(), "--input", "x", "--out", "y"), 1, "nope");
        assertOneLineError(run("pretrain", "--corpus", tmp.resolve("missing.txt").toString(), "--out", tmp.resolve("r").toString()),
                1, "corpus file not found");
    }

    @Test
    void corpusTooSmallForTheSequenceLength(@TempDir Path tmp) throws Exception {
        Path small = Files.writeString(tmp.resolve("small.txt"), "Call me Ishmael.");
        assertOneLineError(run("pretrain", "--corpus", small.toString(), "--out", tmp.resolve("r").toString()), 1, "corpus too small");
    }

    /** Every command's help renders cleanly: picocli warns on stderr about a stray '%' in a description. */
    @Test
    void everyCommandsHelpHasExamplesAndNoWarnings() {
        java.util.List<String[]> commands = new java.util.ArrayList<>();
        Main.commandLine().getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) return; // picocli's own help command
            if (sub.getSubcommands().isEmpty()) commands.add(new String[] {name});
            else sub.getSubcommands().keySet().forEach(child -> commands.add(new String[] {name, child}));
        });
        assertTrue(commands.size() >= 10, "commands: " + commands.size());
        for (String[] command : commands) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            CliRun r = run(args);
            String name = String.join(" ", command);
            assertEquals(0, r.code(), name + ": " + r.err());
            assertEquals("", r.err(), name + " --help printed on stderr");
            assertTrue(r.out().contains("Example"), name + " --help has no examples");
        }
    }

    @Test
    void helpShowsExamples() {
        CliRun r = run("pretrain", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:"));
        assertTrue(r.out().contains("(default: tiny)"), r.out());
    }

    @Test
    void aShortPretrainWritesItsRunFolderAndResumes(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        CliRun r = run("pretrain", "--preset", "debug", "--steps", "4", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        // the memory table follows the first step with what its forward kept for backward, not 0 B
        String after = r.out().substring(r.out().indexOf("memory by category (activations: what the first step"));
        java.util.regex.Matcher activations = java.util.regex.Pattern.compile("activations +([0-9.]+) (B|KiB|MiB)").matcher(after);
        assertTrue(activations.find() && Double.parseDouble(activations.group(1)) > 0, r.out());
        for (String f : new String[] {"run_config.json", "metrics.jsonl", "summary.json", "checkpoints/step-0000004/model.safetensors",
                "checkpoints/step-0000004/optimizer.safetensors", "checkpoints/step-0000004/trainer_state.json"}) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        String summary = Files.readString(dir.resolve("summary.json"));
        for (String key : new String[] {"train_loss", "val_loss", "tokens_per_second", "memory_bytes", "optimizer_states"}) {
            assertTrue(summary.contains("\"" + key + "\""), key);
        }
        assertOneLineError(run("pretrain", "--preset", "debug", "--steps", "4", "--out", dir.toString()), 1, "--resume");
        assertTrue(Files.exists(dir.resolve("model/model.safetensors")), "plain model folder for forward/finetune");
        // without --steps a resume keeps the saved step count (and so the schedule), here already reached:
        // nothing to train, the outputs are written again from the last checkpoint, to the same bytes
        // (what finishes a run killed between its last checkpoint and its exported model)
        byte[] exported = Files.readAllBytes(dir.resolve("model/model.safetensors"));
        Files.delete(dir.resolve("model/config.json"));
        CliRun again = run("pretrain", "--out", dir.toString(), "--resume");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already has 4 steps: nothing to train"), again.out());
        assertTrue(Files.exists(dir.resolve("model/config.json")));
        assertArrayEquals(exported, Files.readAllBytes(dir.resolve("model/model.safetensors")));
        CliRun more = run("pretrain", "--preset", "debug", "--steps", "6", "--out", dir.toString(), "--resume");
        assertEquals(0, more.code(), more.err());
        assertTrue(more.out().contains("resuming at step 4 of 6"), more.out());
    }

    @Test
    void memoryJsonHasByteCountsPerCategory() {
        CliRun r = run("memory", "--config", "60m", "--method", "galore", "--rank", "128", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"optimizer_states\":163743744"), r.out()); // 81,871,872 elements × 2 bytes
    }

    @Test
    void optionsThatDoNotApplyAreRefusedNotIgnored(@TempDir Path tmp) {
        String out = tmp.resolve("r").toString();
        assertOneLineError(run("pretrain", "--method", "full", "--rank", "8", "--out", out), 1,
                "--rank does nothing with --method full (it sets the rank of lora, galore, fira and loqt)");
        assertOneLineError(run("pretrain", "--method", "lora", "--update-gap", "50", "--svd", "randomized", "--out", out), 1,
                "--update-gap, --svd do nothing with --method lora (galore, fira and loqt only)");
        assertOneLineError(run("bench", "step", "--method", "galore", "--lora-alpha", "8"), 2, "--lora-alpha");
        assertOneLineError(run("compare", "--methods", "full,lora", "--lr-galore", "0.01", "--out", out), 1,
                "--lr-galore does nothing with --methods full,lora (that method is not run)");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--method", "lora", "--stage-length", "5", "--out", out),
                1, "--stage-length does nothing with --method lora (PeriodicLoRA only)");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--method", "full", "--rank", "4", "--out", out),
                1, "--rank does nothing with --method full");
        assertOneLineError(run("finetune", "--model", out, "--text", "t.txt", "--epochs", "2", "--out", out), 1,
                "--epochs does nothing with a LLaMA model");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--seq", "64", "--out", out), 1,
                "--seq does nothing with --model minilm");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--resume"), 1, "--resume needs --out");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--method", "lora", "--train-sigma", "--out", out),
                1, "--train-sigma does nothing with --method lora (LoLDU only)");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--method", "loldu", "--loldu-init", "kaiming",
                "--out", out), 1, "unknown LoLDU init 'kaiming'");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--sweep", "lr=1e-3", "--lr", "1e-3", "--out", out),
                1, "--sweep and --lr both set the learning rate");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--sweep", "rank=4", "--out", out),
                1, "--sweep supports only lr=");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--seeds", "1,2", "--seed", "3", "--out", out),
                1, "--seeds and --seed both set the seed");
    }

    @picocli.CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new NullPointerException("a bug");
        }
    }

    @Test
    void anInternalErrorIsOneLineUnlessDebugIsOn() {
        java.util.function.Supplier<picocli.CommandLine> cl = () -> Main.commandLine().addSubcommand("boom", new Boom());
        CliRun r = run(cl, "boom");
        assertOneLineError(r, 1, "error: internal error (java.lang.NullPointerException: a bug); run again with --debug for the stack trace");
        Main.debug = true;
        try {
            CliRun d = run(cl, "boom");
            assertEquals(1, d.code());
            assertTrue(d.err().contains("\tat "), "--debug prints the stack trace: " + d.err());
        } finally {
            Main.debug = false;
        }
    }

    @Test
    void sparkOptionsSayWhatIsMissing(@TempDir Path tmp) {
        assertOneLineError(run("pretrain", "--workers", "2", "--steps", "2", "--out", tmp.resolve("a").toString()), 1,
                "--workers needs --spark");
        // the CLI jar has no Spark: only ./lowrank4j --spark (or spark-submit) brings the module
        assertOneLineError(run("pretrain", "--spark", "local[2]", "--steps", "2", "--out", tmp.resolve("b").toString()), 1,
                "lowrank4j-spark module");
        assertOneLineError(run("pretrain", "--spark", "spark://host:7077", "--steps", "2", "--out", tmp.resolve("c").toString()), 1,
                "--workers N");
        assertOneLineError(run("finetune", "--model", "minilm", "--task", "spam", "--spark", "local[2]"), 1,
                "LLaMA (--model DIR --text FILE) only");
        assertOneLineError(run("finetune", "--model", "m", "--text", "t.txt", "--workers", "2"), 1, "--workers needs --spark");
        assertOneLineError(run("finetune", "--model", "m", "--text", "t.txt", "--spark", "local[2]", "--seeds", "1,2"), 1,
                "do not combine with --spark");
        assertOneLineError(run("finetune", "--model", "m", "--text", "t.txt", "--spark", "local[2]", "--sweep", "lr=1e-3,2e-3"), 1,
                "do not combine with --spark");
        assertOneLineError(run("finetune", "--model", tmp.toString(), "--text", "t.txt", "--spark", "local[2]",
                "--out", tmp.resolve("d").toString()), 1, "lowrank4j-spark module");
    }
}
