package dev.lowrank4j.dlrt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The saved form of a DLRT-trained classifier, and the one way to load it back. A folder holds
 * <ul>
 *   <li>{@code lowrank_model.json}: {@code format} "lowrank4j-dlrt", {@code format_version} 1, the
 *       architecture ({@link VisionArchitecture#toJson()}: model, channels, height, width, classes,
 *       hidden), {@code layers}: one object per low-rank layer in model order with {@code path},
 *       {@code out} (m), {@code in} (n; in·k·k for a convolution), {@code rank} and
 *       {@code convolution}, and {@code head}, the full-rank last layer's path;</li>
 *   <li>{@code model.safetensors}: float32 tensors {@code PATH.U} [m, r], {@code PATH.S} [r, r],
 *       {@code PATH.V} [n, r] for every low-rank layer (W = U·S·Vᵀ, U and V orthonormal),
 *       {@code PATH.bias}, and the head's {@code PATH.weight} / {@code PATH.bias}; a convolution's
 *       W is its kernel [out, in, k, k] flattened row-major to [out, in·k·k].</li>
 * </ul>
 * Checkpoint folders of a DLRT run ({@code checkpoints/step-*}) have the same two files, so they load too.
 */
public final class LowRankModelFile {
    public static final String CONFIG_FILE = "lowrank_model.json";
    public static final String WEIGHTS_FILE = HfCheckpoint.WEIGHTS_FILE;
    public static final String FORMAT = "lowrank4j-dlrt";
    public static final int FORMAT_VERSION = 1;

    private LowRankModelFile() {}

    /** A loaded model: the classifier with its low-rank layers in place. */
    public record Loaded(VisionArchitecture architecture, ImageClassifier model, List<LowRankLinear> layers) {
        public Map<String, Integer> ranks() {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (LowRankLinear l : layers) m.put(l.modulePath(), l.rank());
            return m;
        }
    }

    /** Writes {@code lowrank_model.json} describing the model as it is now. */
    public static void writeConfig(Path dir, VisionArchitecture arch, ImageClassifier model, List<LowRankLinear> layers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.putAll(arch.toJson());
        List<Map<String, Object>> ls = new ArrayList<>();
        for (LowRankLinear l : layers) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", l.modulePath());
            e.put("out", l.outFeatures());
            e.put("in", l.inFeatures());
            e.put("rank", l.rank());
            e.put("convolution", l.isConvolution());
            ls.add(e);
        }
        m.put("layers", ls);
        m.put("head", LowRankConversion.headPath(model));
        Json.writeAtomically(dir.resolve(CONFIG_FILE), m);
    }

    /** Saves weights and description into {@code dir} (each file written atomically). */
    public static void save(Path dir, VisionArchitecture arch, ImageClassifier model, List<LowRankLinear> layers) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Parameter p : model.parameters()) w.putFloat(p.name(), p.value());
        w.metadata("format", FORMAT);
        w.write(dir.resolve(WEIGHTS_FILE));
        writeConfig(dir, arch, model, layers);
    }

    public static Loaded load(Path dir) {
        Path config = dir.resolve(CONFIG_FILE), weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(config) || !Files.isRegularFile(weights)) {
            throw new Lowrank4jException(dir + ": not a saved low-rank model (needs " + CONFIG_FILE + " and " + WEIGHTS_FILE + ")");
        }
        JsonNode c = Json.readObjectFile(config);
        if (!FORMAT.equals(c.path("format").asText()) || c.path("format_version").asInt() != FORMAT_VERSION) {
            throw new Lowrank4jException(config + ": not a " + FORMAT + " version " + FORMAT_VERSION + " description");
        }
        VisionArchitecture arch = VisionArchitecture.fromJson(c, config.toString());
        ImageClassifier model = arch.build(0);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        Map<String, LinearLayer> linears = model.linears();
        for (JsonNode l : c.path("layers")) {
            String path = l.path("path").asText();
            LinearLayer existing = linears.get(path);
            if (existing == null || existing.outFeatures() != l.path("out").asInt() || existing.inFeatures() != l.path("in").asInt()) {
                throw new Lowrank4jException(config + ": layer '" + path + "' does not match the " + arch.name() + " architecture");
            }
            ranks.put(path, l.path("rank").asInt());
        }
        List<LowRankLinear> layers = LowRankConversion.apply(model, ranks, LowRankInit.Kind.RANDOM_ORTHONORMAL, 0);
        try (SafeTensorsFile f = SafeTensors.open(weights)) {
            List<String> missing = new ArrayList<>();
            for (Parameter p : model.parameters()) {
                if (!f.contains(p.name())) {
                    missing.add(p.name());
                    continue;
                }
                Tensor t = f.readFloat(p.name());
                if (!t.sameShape(p.shape())) {
                    throw new Lowrank4jException(weights + ": " + p.name() + " is " + java.util.Arrays.toString(t.shape())
                            + ", the description says " + java.util.Arrays.toString(p.shape()));
                }
                p.set(t);
            }
            if (!missing.isEmpty()) throw new Lowrank4jException(weights + ": missing " + String.join(", ", missing));
        }
        return new Loaded(arch, model, layers);
    }
}
