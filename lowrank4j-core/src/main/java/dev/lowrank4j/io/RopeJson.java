package dev.lowrank4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;

/**
 * Rotary-embedding settings in HF config.json. transformers v5 nests them in
 * {@code rope_parameters}; v4 has a top-level {@code rope_theta} plus an optional
 * {@code rope_scaling} object. We read both and accept only unscaled ("default") RoPE, because
 * loading a llama3/yarn/linear-scaled checkpoint as plain RoPE would run but give wrong logits.
 */
final class RopeJson {
    static final double DEFAULT_THETA = 10000.0;

    private RopeJson() {
    }

    static void checkNoScaling(JsonNode root, String label) {
        for (String key : new String[] {"rope_parameters", "rope_scaling"}) {
            if (LlamaConfigJson.absent(root, key)) continue;
            JsonNode p = root.get(key);
            if (!p.isObject()) {
                throw new Lowrank4jException(label + ": " + key + " must be an object, found " + Json.kind(p));
            }
            // "type" is the pre-4.45 spelling of "rope_type".
            JsonNode type = !LlamaConfigJson.absent(p, "rope_type") ? p.get("rope_type") : p.get("type");
            if (type == null || type.isNull()) continue;
            if (!type.isTextual() || !type.asText().equals("default")) {
                throw new Lowrank4jException(label + ": " + key + ".rope_type " + Json.show(type)
                        + " is not supported; lowrank4j implements plain RoPE without scaling (rope_type \"default\")");
            }
        }
    }

    /** rope_parameters.rope_theta, else top-level rope_theta, else 10000; the two must agree if both exist. */
    static double theta(JsonNode root, String label) {
        JsonNode params = root.get("rope_parameters");
        boolean nested = params != null && params.isObject() && !LlamaConfigJson.absent(params, "rope_theta");
        boolean top = !LlamaConfigJson.absent(root, "rope_theta");
        double nestedTheta = nested ? LlamaConfigJson.doubleKey(params, "rope_theta", DEFAULT_THETA, label + ": rope_parameters") : 0;
        double topTheta = top ? LlamaConfigJson.doubleKey(root, "rope_theta", DEFAULT_THETA, label) : 0;
        if (nested && top && nestedTheta != topTheta) {
            throw new Lowrank4jException(label + ": rope_theta " + topTheta + " disagrees with rope_parameters.rope_theta "
                    + nestedTheta);
        }
        return nested ? nestedTheta : top ? topTheta : DEFAULT_THETA;
    }
}
