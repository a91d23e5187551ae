package dev.lowrank4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.io.bnb.Bnb4bitCheckpoint;
import dev.lowrank4j.io.bnb.Bnb4bitWeights;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.CrashPoints;
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

/**
 * Checkpoints as folders {@code checkpoints/step-NNNNNNN/} holding the model's weights
 * ({@code model.safetensors}, plus whatever config the model writes: for a LLaMA that makes the
 * folder a Hugging Face model folder), {@code optimizer.safetensors} and {@code trainer_state.json}.
 * A model's packed state ({@link ModelWithLoss#packedStateDict()}, LoQT's NF4 W and P) goes into
 * {@code model.safetensors} too, each tensor in the layout transformers writes for bitsandbytes
 * 4-bit weights ({@link Bnb4bitWeights}: the packed codes as U8, absmax as F32), which keeps every
 * bit; models without packed state write exactly the float folder they always did.
 * A folder is filled under a temporary name and renamed into place in one atomic step, so a crash
 * never leaves a half-written checkpoint behind.
 */
public final class Checkpoints {
    public static final String DIR = "checkpoints";
    public static final String STATE_FILE = "trainer_state.json";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    /**
     * Bumped when the checkpoint layout changes, so an old reader can refuse a newer folder clearly.
     * 2: trainer_state.json holds the data stream's position and the last metrics by name.
     */
    public static final int FORMAT_VERSION = 2;
    private static final String PREFIX = "step-";

    private Checkpoints() {}

    /** @param packed the model's packed state by name (empty for most models) */
    public record Loaded(Path dir, Map<String, Tensor> model, Map<String, Nf4Tensor> packed, Map<String, Tensor> optimizer,
                         long optimizerSteps, TrainerState state) {}

    public static Path save(Path runDir, ModelWithLoss<?> model, Optimizer optimizer, TrainerState state, int keep) {
        Path root = runDir.resolve(DIR);
        String name = String.format("%s%07d", PREFIX, state.step());
        Path finalDir = root.resolve(name);
        Path tmp = root.resolve("." + name + ".tmp");
        try {
            Files.createDirectories(root);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            SafeTensorsWriter weights = new SafeTensorsWriter();
            model.stateDict().forEach(weights::putFloat);
            // "float32": what bitsandbytes would dequantize them to, as the float tensors beside them
            model.packedStateDict().forEach((n, t) -> Bnb4bitWeights.put(weights, n, t, "float32"));
            weights.write(tmp.resolve(HfCheckpoint.WEIGHTS_FILE));
            CrashPoints.pause(); // crash tests: a kill here leaves a half-filled temporary folder
            model.writeConfig(tmp);
            SafeTensorsWriter w = new SafeTensorsWriter();
            optimizer.state().forEach(w::putFloat);
            w.metadata("optimizer_steps", Long.toString(optimizer.steps()));
            w.metadata("lowrank4j_checkpoint_format", Integer.toString(FORMAT_VERSION));
            w.write(tmp.resolve(OPTIMIZER_FILE));
            Json.writeAtomically(tmp.resolve(STATE_FILE), stateJson(state));
            CrashPoints.pause(); // crash tests: a kill here leaves a filled but unrenamed folder
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
        m.put("data_position", s.dataPosition());
        m.put("units_seen", s.unitsSeen());
        m.put("train_seconds", s.trainSeconds());
        if (!s.lastMetrics().isEmpty()) {
            Map<String, Object> metrics = new LinkedHashMap<>(s.lastMetrics().values());
            m.put("last_metrics", metrics);
            m.put("primary_metric", s.lastMetrics().primary());
        }
        m.put("recent_losses", s.recentLosses());
        m.put("peak_activation_bytes", s.peakActivationBytes());
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
                boolean partial = n.startsWith(PREFIX) && !Files.isRegularFile(p.resolve(STATE_FILE));
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
                    .filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new Lowrank4jException(root + ": cannot list checkpoints (" + e.getMessage() + ")");
        }
    }

    public static Loaded load(Path dir) {
        // shapes are the layers' to check: they know what they hold, this folder does not
        Bnb4bitCheckpoint.Tensors model = Bnb4bitCheckpoint.readTensors(HfCheckpoint.weightFiles(dir), (file, weight) -> null);
        Map<String, Tensor> opt = new LinkedHashMap<>();
        long optSteps;
        try (SafeTensorsFile f = SafeTensors.open(dir.resolve(OPTIMIZER_FILE))) {
            for (String n : f.names()) opt.put(n, f.readFloat(n));
            String s = f.metadata().get("optimizer_steps");
            if (s == null) throw new Lowrank4jException(dir + "/" + OPTIMIZER_FILE + ": no optimizer_steps in its metadata");
            try {
                optSteps = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new Lowrank4jException(dir + "/" + OPTIMIZER_FILE + ": optimizer_steps '" + s + "' is not a number");
            }
        }
        return new Loaded(dir, model.floats(), model.packed(), opt, optSteps, readState(dir.resolve(STATE_FILE)));
    }

    private static TrainerState readState(Path file) {
        JsonNode j = Json.readObjectFile(file);
        int version = j.path("format_version").asInt(1);
        if (version > FORMAT_VERSION) {
            throw new Lowrank4jException(file.getParent() + ": checkpoint format " + version + " is newer than this lowrank4j reads ("
                    + FORMAT_VERSION + "); update lowrank4j");
        }
        boolean v1 = version == 1; // a LLaMA-only trainer wrote rng_state, tokens_seen and last_val_loss
        for (String key : v1 ? List.of("step", "rng_state", "tokens_seen", "train_seconds")
                : List.of("step", "data_position", "units_seen", "train_seconds")) {
            if (!j.hasNonNull(key)) throw new Lowrank4jException(file + ": missing '" + key + "'");
        }
        Map<String, Long> position = new LinkedHashMap<>();
        if (v1) {
            position.put("rng_state", j.get("rng_state").asLong());
        } else {
            j.get("data_position").properties().forEach(e -> position.put(e.getKey(), e.getValue().asLong()));
        }
        Metrics last = Metrics.NONE;
        if (v1 && j.hasNonNull("last_val_loss")) {
            double v = j.get("last_val_loss").asDouble();
            last = new Metrics(Map.of("val_loss", v, "val_perplexity", Math.exp(v)), "val_loss");
        } else if (j.hasNonNull("last_metrics")) {
            Map<String, Double> values = new LinkedHashMap<>();
            j.get("last_metrics").properties().forEach(e -> values.put(e.getKey(), e.getValue().asDouble()));
            String primary = j.path("primary_metric").asText("");
            if (!values.containsKey(primary)) throw new Lowrank4jException(file + ": primary_metric '" + primary + "' is not in last_metrics");
            last = new Metrics(values, primary);
        }
        JsonNode recent = j.path("recent_losses");
        // an object here has a size but no elements by index (a fuzzer finding: NullPointerException)
        if (!recent.isMissingNode() && !recent.isNull() && !recent.isArray()) {
            throw new Lowrank4jException(file + ": recent_losses must be an array of numbers, found " + Json.kind(recent));
        }
        double[] losses = new double[recent.size()];
        for (int i = 0; i < losses.length; i++) {
            if (!recent.get(i).isNumber()) {
                throw new Lowrank4jException(file + ": recent_losses[" + i + "] must be a number, found " + Json.kind(recent.get(i)));
            }
            losses[i] = recent.get(i).asDouble();
        }
        return new TrainerState(j.get("step").asLong(), position, j.get(v1 ? "tokens_seen" : "units_seen").asLong(),
                j.get("train_seconds").asDouble(), last, losses, j.path("peak_activation_bytes").asLong(0));
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
