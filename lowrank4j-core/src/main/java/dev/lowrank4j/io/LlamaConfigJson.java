package dev.lowrank4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.llama.LlamaConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.lowrank4j.util.Json;

/**
 * Maps {@link LlamaConfig} to and from Hugging Face {@code config.json}. Reading understands both
 * transformers v4 ({@code rope_theta}, {@code rope_scaling}) and v5 ({@code rope_parameters})
 * spellings, and refuses features lowrank4j does not implement instead of silently training a
 * different model than the checkpoint describes.
 */
public final class LlamaConfigJson {
    private static final String[] REQUIRED = {
        "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads"};

    private LlamaConfigJson() {
    }

    public static LlamaConfig read(Path configJson) {
        return fromJson(Json.readObjectFile(configJson), configJson.toString());
    }

    /** Parses an already-loaded config object; {@code label} prefixes error messages. */
    public static LlamaConfig fromJson(ObjectNode root, String label) {
        checkArchitecture(root, label);
        List<String> missing = new ArrayList<>();
        for (String key : REQUIRED) if (absent(root, key)) missing.add(key);
        if (!missing.isEmpty()) {
            throw new Lowrank4jException(label + ": missing required key" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing));
        }
        checkUnsupported(root, label);

        int hidden = intKey(root, "hidden_size", label);
        int heads = intKey(root, "num_attention_heads", label);
        int headDim;
        if (absent(root, "head_dim")) {
            if (heads <= 0 || hidden % heads != 0) {
                throw new Lowrank4jException(label + ": hidden_size " + hidden
                        + " is not divisible by num_attention_heads " + heads + " (and no head_dim is given)");
            }
            headDim = hidden / heads;
        } else {
            headDim = intKey(root, "head_dim", label);
        }
        try {
            return new LlamaConfig(
                    intKey(root, "vocab_size", label),
                    hidden,
                    intKey(root, "intermediate_size", label),
                    intKey(root, "num_hidden_layers", label),
                    heads,
                    absent(root, "num_key_value_heads") ? heads : intKey(root, "num_key_value_heads", label),
                    headDim,
                    doubleKey(root, "rms_norm_eps", 1e-6, label),
                    RopeJson.theta(root, label),
                    boolKey(root, "tie_word_embeddings", false, label),
                    absent(root, "max_position_embeddings") ? 2048 : intKey(root, "max_position_embeddings", label),
                    doubleKey(root, "initializer_range", 0.02, label));
        } catch (Lowrank4jException e) {
            // The record validates without knowing the file; name it here.
            throw new Lowrank4jException(label + ": " + e.getMessage());
        }
    }

    private static void checkArchitecture(ObjectNode root, String label) {
        JsonNode type = root.get("model_type");
        JsonNode archs = root.get("architectures");
        boolean llamaType = type != null && type.isTextual() && type.asText().equals("llama");
        boolean llamaArch = false;
        if (archs != null && archs.isArray()) {
            for (JsonNode a : archs) llamaArch |= a.isTextual() && a.asText().equals("LlamaForCausalLM");
        }
        if (llamaType || llamaArch) return;
        String found;
        if (type != null && type.isTextual()) {
            found = type.asText() + (archs != null && !archs.isNull() ? " " + archs : "");
        } else if (archs != null && !archs.isNull()) {
            found = archs.toString();
        } else {
            found = "(config has neither model_type nor architectures)";
        }
        throw new Lowrank4jException(label + ": unsupported architecture " + found
                + "; lowrank4j reads LLaMA checkpoints (model_type llama)");
    }

    private static void checkUnsupported(ObjectNode root, String label) {
        if (!absent(root, "hidden_act")) {
            JsonNode act = root.get("hidden_act");
            if (!act.isTextual() || !act.asText().equals("silu")) {
                throw new Lowrank4jException(label + ": hidden_act " + Json.show(act)
                        + " is not supported; lowrank4j implements the LLaMA SwiGLU MLP (hidden_act \"silu\")");
            }
        }
        for (String key : new String[] {"attention_bias", "mlp_bias"}) {
            if (boolKey(root, key, false, label)) {
                throw new Lowrank4jException(label + ": " + key
                        + " is true, but lowrank4j's LLaMA layers have no bias terms");
            }
        }
        RopeJson.checkNoScaling(root, label);
    }

    static boolean absent(JsonNode obj, String key) {
        JsonNode v = obj.get(key);
        return v == null || v.isNull(); // transformers writes None (null) for "use the default"
    }

    static int intKey(JsonNode obj, String key, String label) {
        JsonNode v = obj.get(key);
        // Accept 64.0 as 64: some tools write every number as a float.
        if (v != null && v.isNumber() && v.canConvertToInt() && v.asDouble() == Math.rint(v.asDouble())) {
            return (int) v.asDouble();
        }
        throw new Lowrank4jException(label + ": " + key + " must be an integer, found " + Json.kind(v));
    }

    static double doubleKey(JsonNode obj, String key, double dflt, String label) {
        if (absent(obj, key)) return dflt;
        JsonNode v = obj.get(key);
        if (!v.isNumber()) throw new Lowrank4jException(label + ": " + key + " must be a number, found " + Json.kind(v));
        return v.asDouble();
    }

    static boolean boolKey(JsonNode obj, String key, boolean dflt, String label) {
        if (absent(obj, key)) return dflt;
        JsonNode v = obj.get(key);
        if (!v.isBoolean()) throw new Lowrank4jException(label + ": " + key + " must be true or false, found " + Json.kind(v));
        return v.asBoolean();
    }

    /**
     * HF style: keys sorted, two-space indent, {@code "key": value}. Both rope spellings and both
     * dtype spellings are written so transformers v4 and v5 read the file without guessing.
     */
    public static String write(LlamaConfig c) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putArray("architectures").add("LlamaForCausalLM");
        o.put("attention_bias", false);
        o.put("attention_dropout", 0.0);
        o.put("dtype", "float32");
        o.put("head_dim", c.headDim());
        o.put("hidden_act", "silu");
        o.put("hidden_size", c.hiddenSize());
        o.put("initializer_range", c.initializerRange());
        o.put("intermediate_size", c.intermediateSize());
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        o.put("mlp_bias", false);
        o.put("model_type", "llama");
        o.put("num_attention_heads", c.numAttentionHeads());
        o.put("num_hidden_layers", c.numHiddenLayers());
        o.put("num_key_value_heads", c.numKeyValueHeads());
        o.put("pretraining_tp", 1);
        o.put("rms_norm_eps", c.rmsNormEps());
        ObjectNode rope = o.putObject("rope_parameters");
        rope.put("rope_theta", c.ropeTheta());
        rope.put("rope_type", "default");
        o.put("rope_theta", c.ropeTheta());
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
        o.put("torch_dtype", "float32");
        o.put("use_cache", true);
        o.put("vocab_size", c.vocabSize());
        return pythonStyle(o);
    }

    /** An object as transformers' {@code to_json_string} lays it out (two-space indent, "key": value). */
    static String pythonStyle(ObjectNode o) {
        try {
            return Json.MAPPER.writer(prettyPrinter()).writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain values always serializes
        }
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        DefaultIndenter indent = new DefaultIndenter("  ", "\n");
        Separators seps = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER);
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter(seps);
        pp.indentObjectsWith(indent);
        pp.indentArraysWith(indent);
        return pp;
    }
}
