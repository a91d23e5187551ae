package dev.lowrank4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import dev.lowrank4j.optim.Optimizer;

/**
 * Checkpoints as folders {@code checkpoints/step-NNNNNNN/} holding a Hugging Face model folder
 * ({@code config.json}, {@code model.safetensors}) plus {@code optimizer.safetensors} and
 * {@code trainer_state.json}. A folder is filled under a temporary name and renamed into place
 * in one atomic step, so a crash never leaves a half-written checkpoint behind.
 */
public final class Checkpoints {
    public static final String DIR = "checkpoints";
    /** Bumped when the checkpoint layout changes, so an old reader can refuse a newer folder clearly. */
    public static final int FORMAT_VERSION = 1;
    private static final String PREFIX = "step-";

    private Checkpoints() {}

    public record Loaded(Path dir, Map<String, Tensor> model, Map<String, Tensor> optimizer, long optimizerSteps,
                         TrainerState state) {}

    public static Path save(Path runDir, LlamaModel model, Optimizer optimizer, TrainerState state, int keep) {
        Path root = runDir.resolve(DIR);
        String name = String.format("%s%07d", PREFIX, state.step());
        Path finalDir = root.resolve(name);
        Path tmp = root.resolve("." + name + ".tmp");
        try {
            Files.createDirectories(root);
            deleteTree(tmp);
            HfCheckpoint.save(tmp, model.config(), model.stateDict());
            SafeTensorsWriter w = new SafeTensorsWriter();
            for (var e : optimizer.state().entrySet()) w.putFloat(e.getKey(), e.getValue());
            w.metadata("optimizer_steps", Long.toString(optimizer.steps()));
            w.metadata("lowrank4j_checkpoint_format", Integer.toString(FORMAT_VERSION));
            w.write(tmp.resolve("optimizer.safetensors"));
            Json.writeAtomically(tmp.resolve("trainer_state.json"), stateJson(state));
            deleteTree(finalDir);
            Files.move(tmp, finalDir, StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(root);
            prune(root, keep);
            return finalDir;
        } catch (IOException e) {
            throw new Lowrank4jException(finalDir + ": cannot write checkpoint (" + e.getMessage() + ")");
        }
    }

    private static Map<String, Object> stateJson(TrainerState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format_version", FORMAT_VERSION);
        m.put("step", s.step());
        m.put("rng_state", s.rngState());
        m.put("tokens_seen", s.tokensSeen());
        m.put("train_seconds", s.trainSeconds());
        m.put("last_val_loss", Double.isNaN(s.lastValLoss()) ? null : s.lastValLoss());
        m.put("recent_losses", s.recentLosses());
        return m;
    }

    /**
     * Removes what a crash can leave behind: half-written {@code .step-N.tmp} folders and step folders
     * without a trainer_state.json (deleted first when pruning). Complete checkpoints are untouched.
     */
    public static void cleanUp(Path runDir) {
        Path root = runDir.resolve(DIR);
        if (!Files.isDirectory(root)) return;
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                boolean torn = n.startsWith("." + PREFIX) && n.endsWith(".tmp");
                boolean partial = n.startsWith(PREFIX) && !Files.isRegularFile(p.resolve("trainer_state.json"));
                if (torn || partial) deleteTree(p);
            }
        } catch (IOException e) {
            throw new Lowrank4jException(root + ": cannot clean up checkpoints (" + e.getMessage() + ")");
        }
    }

    /** The newest complete checkpoint folder of a run, if any. */
    public static Optional<Path> latest(Path runDir) {
        Path root = runDir.resolve(DIR);
        if (!Files.isDirectory(root)) return Optional.empty();
        return list(root).stream().max(Comparator.naturalOrder());
    }

    private static List<Path> list(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                    .filter(p -> Files.isRegularFile(p.resolve("trainer_state.json")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new Lowrank4jException(root + ": cannot list checkpoints (" + e.getMessage() + ")");
        }
    }

    public static Loaded load(Path dir) {
        HfCheckpoint.Loaded model = HfCheckpoint.load(dir);
        Map<String, Tensor> opt = new LinkedHashMap<>();
        long optSteps;
        try (SafeTensorsFile f = SafeTensors.open(dir.resolve("optimizer.safetensors"))) {
            for (String n : f.names()) opt.put(n, f.readFloat(n));
            String s = f.metadata().get("optimizer_steps");
            if (s == null) throw new Lowrank4jException(dir + "/optimizer.safetensors: no optimizer_steps in its metadata");
            optSteps = Long.parseLong(s);
        }
        JsonNode j;
        try {
            j = Json.MAPPER.readTree(dir.resolve("trainer_state.json").toFile());
        } catch (IOException e) {
            throw new Lowrank4jException(dir + "/trainer_state.json: unreadable (" + e.getMessage() + ")");
        }
        int version = j.path("format_version").asInt(FORMAT_VERSION);
        if (version > FORMAT_VERSION) {
            throw new Lowrank4jException(dir + ": checkpoint format " + version + " is newer than this lowrank4j reads ("
                    + FORMAT_VERSION + "); update lowrank4j");
        }
        for (String key : List.of("step", "rng_state", "tokens_seen", "train_seconds")) {
            if (!j.has(key)) throw new Lowrank4jException(dir + "/trainer_state.json: missing '" + key + "'");
        }
        JsonNode v = j.get("last_val_loss");
        JsonNode recent = j.path("recent_losses");
        double[] losses = new double[recent.size()];
        for (int i = 0; i < losses.length; i++) losses[i] = recent.get(i).asDouble();
        TrainerState st = new TrainerState(j.get("step").asLong(), j.get("rng_state").asLong(),
                j.get("tokens_seen").asLong(), j.get("train_seconds").asDouble(),
                v == null || v.isNull() ? Double.NaN : v.asDouble(), losses);
        return new Loaded(dir, model.weights(), opt, optSteps, st);
    }

    private static void prune(Path root, int keep) throws IOException {
        List<Path> all = list(root);
        for (int i = 0; i < all.size() - keep; i++) deleteTree(all.get(i));
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    private static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some file systems refuse to fsync a directory; the rename itself is still atomic
        }
    }
}
