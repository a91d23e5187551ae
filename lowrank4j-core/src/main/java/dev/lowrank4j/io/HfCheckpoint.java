package dev.lowrank4j.io;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.lowrank4j.util.AtomicFiles;

/**
 * A Hugging Face LLaMA checkpoint folder: {@code config.json} plus either one
 * {@code model.safetensors} or shards listed by {@code model.safetensors.index.json}. Weights are
 * returned as float32 under their HF names, unchanged (no renaming or transposing here).
 */
public final class HfCheckpoint {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** Config and weights in file order (weight_map order for sharded checkpoints). */
    public record Loaded(LlamaConfig config, Map<String, Tensor> weights) {
    }

    private HfCheckpoint() {
    }

    public static Loaded load(Path dir) {
        if (!Files.exists(dir)) {
            throw new Lowrank4jException("checkpoint folder not found: " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new Lowrank4jException(dir + " is a file; expected a Hugging Face checkpoint folder holding "
                    + CONFIG_FILE + " and " + WEIGHTS_FILE);
        }
        Path config = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(config)) {
            throw new Lowrank4jException(dir + " has no " + CONFIG_FILE + " (expected a Hugging Face checkpoint folder)");
        }
        LlamaConfig cfg = LlamaConfigJson.read(config);
        return new Loaded(cfg, readWeights(dir));
    }

    /**
     * The float weights of a model folder by name: {@code model.safetensors}, or the shards an
     * index lists (the single file wins over an index, as in transformers).
     */
    public static Map<String, Tensor> readWeights(Path dir) {
        Path single = dir.resolve(WEIGHTS_FILE);
        Path index = dir.resolve(INDEX_FILE);
        Map<String, Tensor> weights;
        if (Files.isRegularFile(single)) {
            weights = readAll(single);
        } else if (Files.isRegularFile(index)) {
            weights = readSharded(dir, index);
        } else {
            String hint = Files.exists(dir.resolve("pytorch_model.bin"))
                    ? " (found pytorch_model.bin: convert it to safetensors first)" : "";
            throw new Lowrank4jException(dir + " has no weights: expected " + WEIGHTS_FILE + " or " + INDEX_FILE + hint);
        }
        return Collections.unmodifiableMap(weights);
    }

    private static Map<String, Tensor> readAll(Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            for (String name : f.names()) out.put(name, f.readFloat(name));
        }
        return out;
    }

    /**
     * The safetensors files that hold a folder's weights, chosen as {@link #readWeights} chooses
     * (the single file, else every shard of the index, each checked to exist), for readers that
     * need more than float tensors from them.
     */
    public static List<Path> weightFiles(Path dir) {
        Path single = dir.resolve(WEIGHTS_FILE);
        if (Files.isRegularFile(single)) return List.of(single);
        Path index = dir.resolve(INDEX_FILE);
        if (!Files.isRegularFile(index)) readWeights(dir); // the one "has no weights" message
        return existingShards(dir, ShardIndex.read(index)).stream().map(dir::resolve).toList();
    }

    /** The distinct shard names of an index, after checking that every one exists. */
    private static List<String> existingShards(Path dir, ShardIndex index) {
        // Check every shard exists before reading gigabytes from the others.
        for (Map.Entry<String, String> e : index.weightMap().entrySet()) {
            if (!Files.isRegularFile(dir.resolve(e.getValue()))) {
                throw new Lowrank4jException(dir + ": shard " + e.getValue() + " is missing (" + INDEX_FILE
                        + " maps '" + e.getKey() + "' to it)");
            }
        }
        return index.weightMap().values().stream().distinct().toList();
    }

    private static Map<String, Tensor> readSharded(Path dir, Path indexFile) {
        ShardIndex index = ShardIndex.read(indexFile);
        existingShards(dir, index);
        Map<String, SafeTensorsFile> open = new LinkedHashMap<>();
        try {
            for (String shard : index.weightMap().values()) {
                if (!open.containsKey(shard)) open.put(shard, SafeTensors.open(dir.resolve(shard)));
            }
            for (Map.Entry<String, String> e : index.weightMap().entrySet()) {
                if (!open.get(e.getValue()).contains(e.getKey())) {
                    throw new Lowrank4jException(dir + ": " + INDEX_FILE + " maps '" + e.getKey() + "' to shard "
                            + e.getValue() + ", but that shard has no such tensor");
                }
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : index.weightMap().entrySet()) {
                out.put(e.getKey(), open.get(e.getValue()).readFloat(e.getKey()));
            }
            return out;
        } finally {
            open.values().forEach(SafeTensorsFile::close);
        }
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} into {@code dir} (created if needed),
     * each atomically. Weights first, config last: a folder with a fresh config always has its weights.
     */
    public static void save(Path dir, LlamaConfig cfg, Map<String, Tensor> weights) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Lowrank4jException(dir + " exists and is a file; cannot save a checkpoint folder there");
        }
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Map.Entry<String, Tensor> e : weights.entrySet()) w.putFloat(e.getKey(), e.getValue());
        w.write(dir.resolve(WEIGHTS_FILE));
        AtomicFiles.writeString(dir.resolve(CONFIG_FILE), LlamaConfigJson.write(cfg));
    }
}
