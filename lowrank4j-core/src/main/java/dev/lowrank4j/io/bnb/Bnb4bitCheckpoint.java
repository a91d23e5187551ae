package dev.lowrank4j.io.bnb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.LlamaConfigJson;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.AtomicFiles;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A Hugging Face model folder in the layout transformers saves for a bitsandbytes 4-bit model:
 * config.json with {@code quantization_config}, and in the safetensors files every quantized
 * linear's {@code <module>.weight} as packed NF4 codes beside its quant state
 * ({@link Bnb4bitWeights}); embeddings, norms, the head and anything else in float.
 *
 * <p>Which weights are 4-bit is read from the tensors (a weight with a quant state is), as
 * transformers does when it loads a pre-quantized folder; the config only says that the folder is
 * one. Reading keeps the codes packed — no float32 copy of a quantized weight is made.
 */
public final class Bnb4bitCheckpoint {
    private static final String WEIGHT = ".weight";

    /** The packed linears by module path, and every other tensor as float32 by name. */
    public record Contents(BnbQuantizationConfig quantization, Map<String, Nf4Tensor> packed, Map<String, Tensor> floats) {}

    /** The tensors of some weight files: NF4 weights by name, and every other tensor as float32 by name. */
    public record Tensors(Map<String, Nf4Tensor> packed, Map<String, Tensor> floats) {}

    private Bnb4bitCheckpoint() {}

    /** The folder's 4-bit quantization_config, or empty for a float folder (another method is a one-line error). */
    public static Optional<BnbQuantizationConfig> quantization(Path dir) {
        Path config = dir.resolve(HfCheckpoint.CONFIG_FILE);
        if (!Files.isRegularFile(config)) return Optional.empty();
        return BnbQuantizationConfig.fromConfig(Json.readObjectFile(config), config.toString());
    }

    /**
     * Reads a 4-bit folder whose model has the linears {@code shapes} ([out, in] by module path).
     * A 4-bit weight the model has no linear for, or of another shape, and a folder that declares
     * 4-bit weights but stores none, are one-line errors.
     */
    public static Contents read(Path dir, Map<String, int[]> shapes) {
        BnbQuantizationConfig q = quantization(dir).orElseThrow(() -> new Lowrank4jException(dir
                + ": config.json has no bitsandbytes quantization_config; not a 4-bit model folder"));
        Tensors t = readTensors(HfCheckpoint.weightFiles(dir), (file, weight) -> {
            int[] shape = moduleOf(weight) == null ? null : shapes.get(moduleOf(weight));
            if (shape == null) {
                throw new Lowrank4jException(file.getFileName() + ": " + weight
                        + " is stored in 4 bits, but the model has no linear layer of that name");
            }
            return shape;
        });
        if (t.packed().isEmpty()) {
            throw new Lowrank4jException(dir + ": config.json declares a bitsandbytes 4-bit model, but no weight in it is stored in 4 bits");
        }
        Map<String, Nf4Tensor> packed = new LinkedHashMap<>();
        t.packed().forEach((weight, nf4) -> packed.put(moduleOf(weight), nf4));
        return new Contents(q, packed, t.floats());
    }

    /**
     * Every tensor of {@code files} as this layout stores them: each weight with a quant state as
     * NF4 under the weight's name, its quant-state tensors consumed, everything else as float32.
     * Training checkpoints read their packed weights through this too (LoQT's NF4 W and P).
     *
     * @param shapeOf for a 4-bit weight found in a file, the shape it must have (checked before its
     *                codes are read), or null for any; it may refuse the name with a one-line error
     */
    public static Tensors readTensors(List<Path> files, BiFunction<Path, String, int[]> shapeOf) {
        Map<String, Nf4Tensor> packed = new LinkedHashMap<>();
        Map<String, Tensor> floats = new LinkedHashMap<>();
        for (Path file : files) {
            try (SafeTensorsFile f = SafeTensors.open(file)) {
                Set<String> owned = new HashSet<>();
                for (String name : f.names()) {
                    int at = name.indexOf("." + BnbQuantState.KEY_PREFIX);
                    if (at < 0) continue;
                    String weight = name.substring(0, at);
                    int[] shape = shapeOf.apply(file, weight);
                    packed.put(weight, shape == null ? Bnb4bitWeights.read(f, weight) : Bnb4bitWeights.read(f, weight, shape));
                    owned.addAll(Bnb4bitWeights.tensorNames(weight, true));
                }
                for (String name : f.names()) if (!owned.contains(name)) floats.put(name, f.readFloat(name));
            }
        }
        return new Tensors(packed, floats);
    }

    /** The module path of a {@code <module>.weight} name, else null. */
    private static String moduleOf(String weight) {
        return weight.endsWith(WEIGHT) ? weight.substring(0, weight.length() - WEIGHT.length()) : null;
    }

    /**
     * Writes a LLaMA folder in this layout: the names in {@code quantized} as NF4 with {@code nf4}'s
     * options (their float values re-encoded once), the rest float32, and config.json with the
     * matching quantization_config. Weights first, config last, each atomically, so a folder with
     * a config always has its weights.
     */
    public static void write(Path dir, LlamaConfig cfg, Map<String, Tensor> weights, Set<String> quantized, Nf4Options nf4) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Lowrank4jException(dir + " exists and is a file; cannot save a model folder there");
        }
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            if (quantized.contains(e.getKey())) {
                Bnb4bitWeights.put(w, e.getKey(), Nf4Tensor.quantize(e.getKey(), e.getValue(), nf4), "float32");
            } else {
                w.putFloat(e.getKey(), e.getValue());
            }
        }
        w.metadata("format", "pt");
        w.write(dir.resolve(HfCheckpoint.WEIGHTS_FILE));
        try {
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(LlamaConfigJson.write(cfg));
            config.set(BnbQuantizationConfig.KEY, BnbQuantizationConfig.nf4(nf4.doubleQuant()).toJson());
            AtomicFiles.writeString(dir.resolve(HfCheckpoint.CONFIG_FILE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new Lowrank4jException(dir + ": cannot write config.json (" + e.getMessage() + ")");
        }
    }
}
