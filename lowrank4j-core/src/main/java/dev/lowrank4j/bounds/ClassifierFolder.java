package dev.lowrank4j.bounds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.models.vision.LeNet5;
import dev.lowrank4j.models.vision.Mlp;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A saved image classifier (models.vision Mlp or LeNet5): {@code model.safetensors} with the
 * parameters under their PyTorch names (fc1.weight [out, in], conv1.weight [out, in, k, k], …)
 * and a {@code config.json} that rebuilds the architecture:
 * <pre>{"model_type": "lowrank4j-image-classifier", "architecture": "mlp" | "lenet5",
 *  "channels": 1, "height": 8, "width": 8, "num_classes": 10, "hidden": [64, 64]}</pre>
 * ("hidden" for mlp only). Weights first, config last, each atomically: a folder with a config
 * always has its weights.
 *
 * <p>This duplicates {@link dev.lowrank4j.dlrt.LowRankModelFile} (which saves the same classifiers
 * with zero low-rank layers for a full-rank {@code dlrt --baseline} run); {@code bound-sweep} now
 * saves in that format, and this class stays as the reader of folders written before.
 */
public final class ClassifierFolder {
    public static final String MODEL_TYPE = "lowrank4j-image-classifier";

    /** The architecture of a classifier, enough to rebuild it. */
    public record Architecture(String name, int channels, int height, int width, int numClasses, List<Integer> hidden) {
        public ImageClassifier build(long seed) {
            return switch (name) {
                case "mlp" -> new Mlp(channels, height, width, hidden, numClasses, seed);
                case "lenet5" -> new LeNet5(channels, height, width, numClasses, seed);
                default -> throw new Lowrank4jException("unknown image classifier architecture '" + name + "'; valid: mlp, lenet5");
            };
        }
    }

    private ClassifierFolder() {}

    public static boolean isClassifierFolder(Path dir) {
        Path config = dir.resolve(HfCheckpoint.CONFIG_FILE);
        if (!Files.isRegularFile(config)) return false;
        JsonNode type = Json.readObjectFile(config).get("model_type");
        return type != null && MODEL_TYPE.equals(type.asText());
    }

    public static void save(Path dir, Architecture arch, ImageClassifier model) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Parameter p : model.parameters()) w.putFloat(p.name(), p.value());
        w.write(dir.resolve(HfCheckpoint.WEIGHTS_FILE));
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("model_type", MODEL_TYPE);
        cfg.put("architecture", arch.name());
        cfg.put("channels", arch.channels());
        cfg.put("height", arch.height());
        cfg.put("width", arch.width());
        cfg.put("num_classes", arch.numClasses());
        if (arch.name().equals("mlp")) cfg.put("hidden", arch.hidden());
        Json.writeAtomically(dir.resolve(HfCheckpoint.CONFIG_FILE), cfg);
    }

    public static Architecture architecture(Path dir) {
        ObjectNode c = Json.readObjectFile(dir.resolve(HfCheckpoint.CONFIG_FILE));
        List<Integer> hidden = new ArrayList<>();
        if (c.has("hidden")) c.get("hidden").forEach(h -> hidden.add(h.asInt()));
        for (String key : List.of("architecture", "channels", "height", "width", "num_classes")) {
            if (!c.has(key)) throw new Lowrank4jException(dir.resolve(HfCheckpoint.CONFIG_FILE) + " has no '" + key + "'");
        }
        return new Architecture(c.get("architecture").asText(), c.get("channels").asInt(), c.get("height").asInt(),
                c.get("width").asInt(), c.get("num_classes").asInt(), hidden);
    }

    /** Rebuilds the classifier and puts the saved weights in; every missing or misshaped tensor in one message. */
    public static ImageClassifier load(Path dir) {
        ImageClassifier model = architecture(dir).build(0);
        Map<String, Tensor> weights = HfCheckpoint.readWeights(dir);
        List<String> problems = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            Tensor t = weights.get(p.name());
            if (t == null) problems.add("missing " + p.name());
            else if (!Arrays.equals(t.shape(), p.shape())) {
                problems.add(p.name() + " has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(p.shape()));
            } else System.arraycopy(t.data, 0, p.data(), 0, t.data.length);
        }
        if (!problems.isEmpty()) throw new Lowrank4jException(dir + ": " + String.join("; ", problems));
        return model;
    }

    /** The classifier's weight layers as matrices, in model order; a convolution as its patch matrix. */
    public static MatrixLayers layers(String description, ImageClassifier model) {
        List<LayerMatrix> out = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (!p.name().endsWith(".weight")) continue;
            out.add(CheckpointLayers.asMatrix(p.name(), p.value()));
        }
        return new MatrixLayers(description, true, out);
    }
}
