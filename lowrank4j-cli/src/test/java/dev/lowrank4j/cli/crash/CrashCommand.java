package dev.lowrank4j.cli.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A command under crash test: its smallest settings that still write several checkpoints, how a
 * run is recovered after a kill, where its temporary folders appear while it writes, and which of
 * its outputs must equal the uninterrupted run's byte for byte.
 */
public enum CrashCommand {
    /** Debug-preset LLaMA, 8 steps, a checkpoint after every step. */
    PRETRAIN("pretrain", 8, 8, List.of("model", "checkpoints", "run_config.json", "metrics.jsonl")),
    /** LoRA on the pretrain reference, 9 steps, a checkpoint every 3. */
    FINETUNE("finetune", 3, 9, List.of("model", "adapter", "checkpoints", "metrics.jsonl")),
    /** DLRT of the dense network on the 8x8 digits, 3 epochs of 5 steps, a checkpoint per epoch. */
    DLRT("dlrt", 3, 15, List.of("model", "checkpoints", "metrics.jsonl")),
    /** LRQ W4 of the pretrain reference: one folder write at the end, no resume. */
    QUANTIZE("quantize", 1, 0, List.of("."));

    private final String id;
    private final int folderWrites;
    private final int finalStep;
    private final List<String> compared;

    CrashCommand(String id, int folderWrites, int finalStep, List<String> compared) {
        this.id = id;
        this.folderWrites = folderWrites;
        this.finalStep = finalStep;
        this.compared = compared;
    }

    public String id() {
        return id;
    }

    /** How many temporary folders a whole run writes (checkpoints, or quantize's one output folder). */
    public int folderWrites() {
        return folderWrites;
    }

    /** The step of the run's last checkpoint (0: no checkpoints). */
    public int finalStep() {
        return finalStep;
    }

    /** Paths under the run folder that must match the reference (folders: every file in them). */
    public List<String> compared() {
        return compared;
    }

    /** Whether it starts from the pretrain reference (its base model). */
    public boolean needsBase() {
        return this == FINETUNE || this == QUANTIZE;
    }

    public boolean resumable() {
        return this != QUANTIZE;
    }

    /** The command line of a fresh run into {@code out}. */
    public List<String> args(CrashFixture fx, Path out) {
        String o = out.toString();
        return switch (this) {
            case PRETRAIN -> List.of("pretrain", "--preset", "debug", "--corpus", fx.text().toString(), "--steps", "8",
                    "--checkpoint-every", "1", "--eval-every", "4", "--eval-batches", "1", "--threads", "1", "--out", o);
            case FINETUNE -> List.of("finetune", "--model", fx.base().toString(), "--text", fx.text().toString(), "--method",
                    "lora", "--steps", "9", "--batch", "2", "--seq", "32", "--threads", "1", "--out", o);
            case DLRT -> List.of("dlrt", "--model", "mlp", "--data", fx.digits().toString(), "--epochs", "3", "--batch", "300",
                    "--start-rank", "8", "--threads", "1", "--out", o);
            case QUANTIZE -> List.of("quantize", "--model", fx.base().toString(), "--method", "lrq", "--bits", "4", "--calib",
                    fx.text().toString(), "--calib-samples", "4", "--seq", "32", "--iters", "40", "--out", o);
        };
    }

    /**
     * What a user runs after a crash: the same command with --resume once a complete checkpoint
     * exists, else the same command again (a run killed before its first checkpoint has nothing to
     * resume, and a quantize has no resume at all).
     */
    public List<String> recoveryArgs(CrashFixture fx, Path out) {
        List<String> a = new ArrayList<>(args(fx, out));
        if (resumable() && !completeCheckpoints(out).isEmpty()) a.add("--resume");
        return a;
    }

    /** The temporary folders being written right now: hidden checkpoint folders, or quantize's hidden partial folder. */
    public List<String> temporaryFolders(Path out) {
        if (this == QUANTIZE) {
            String prefix = "." + out.getFileName() + ".partial-";
            return names(out.toAbsolutePath().getParent()).stream().filter(n -> n.startsWith(prefix)).toList();
        }
        return names(out.resolve("checkpoints")).stream().filter(n -> n.startsWith(".step-") && n.endsWith(".tmp")).toList();
    }

    /** Checkpoint folders that hold a trainer_state.json (what --resume accepts). */
    public static List<String> completeCheckpoints(Path out) {
        Path root = out.resolve("checkpoints");
        return names(root).stream().filter(n -> n.startsWith("step-") && Files.isRegularFile(root.resolve(n).resolve("trainer_state.json")))
                .sorted().toList();
    }

    static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of(); // the folder was renamed or deleted while listing: nothing to report
        }
    }
}
