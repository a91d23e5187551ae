package dev.lowrank4j.dlrt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.models.vision.LeNet5;
import dev.lowrank4j.models.vision.Mlp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which image classifier a DLRT run trains, enough to rebuild it: {@code lenet5} or {@code mlp}
 * (the dense network, {@code hidden} widths), the image shape and the class count.
 */
public record VisionArchitecture(String name, int channels, int height, int width, int classes, List<Integer> hidden) {
    public static final String LENET5 = "lenet5", MLP = "mlp";

    public VisionArchitecture {
        if (!name.equals(LENET5) && !name.equals(MLP)) {
            throw new Lowrank4jException("--model must be " + LENET5 + " or " + MLP + ", got '" + name + "'");
        }
        hidden = List.copyOf(hidden);
    }

    /** The DLRT experiments' networks for images of this shape. */
    public static VisionArchitecture of(String name, int channels, int height, int width, int classes) {
        return new VisionArchitecture(name, channels, height, width, classes, name.equals(MLP) ? Mlp.DLRT_HIDDEN : List.of());
    }

    /** A freshly initialised (PyTorch defaults) dense network. */
    public ImageClassifier build(long seed) {
        return name.equals(LENET5) ? new LeNet5(channels, height, width, classes, seed)
                : new Mlp(channels, height, width, hidden, classes, seed);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", name);
        m.put("channels", channels);
        m.put("height", height);
        m.put("width", width);
        m.put("classes", classes);
        if (name.equals(MLP)) m.put("hidden", hidden);
        return m;
    }

    public static VisionArchitecture fromJson(JsonNode n, String where) {
        for (String k : List.of("model", "channels", "height", "width", "classes")) {
            if (!n.has(k)) throw new Lowrank4jException(where + ": has no '" + k + "'");
        }
        List<Integer> hidden = new ArrayList<>();
        if (n.has("hidden")) n.get("hidden").forEach(h -> hidden.add(h.asInt()));
        return new VisionArchitecture(n.get("model").asText(), n.get("channels").asInt(), n.get("height").asInt(),
                n.get("width").asInt(), n.get("classes").asInt(), hidden);
    }
}
