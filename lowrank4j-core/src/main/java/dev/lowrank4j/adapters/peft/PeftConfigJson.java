package dev.lowrank4j.adapters.peft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.util.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@code adapter_config.json}. Reading is strict about what changes the math:
 * a PEFT option we do not implement is an error naming the option, never silently ignored.
 * Fields that are purely descriptive or belong to other PEFT features and are "off" (null,
 * false, empty) are accepted, since PEFT writes dozens of them. Writing produces PEFT's field
 * set with sorted keys and two-space indentation, as PEFT's {@code json.dumps(indent=2, sort_keys=True)}.
 */
public final class PeftConfigJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Options that would change the adapter's math, with the value meaning "not used". Anything
     * else in the file must equal these (or be null/absent/empty) to be accepted.
     */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("use_dora", "DoRA"),
            Map.entry("fan_in_fan_out", "fan_in_fan_out (transposed Conv1D weights)"),
            Map.entry("lora_bias", "lora_bias (a trainable bias on B)"),
            Map.entry("rank_pattern", "rank_pattern (per-module ranks)"),
            Map.entry("alpha_pattern", "alpha_pattern (per-module alphas)"),
            Map.entry("layers_to_transform", "layers_to_transform"),
            Map.entry("layers_pattern", "layers_pattern"),
            Map.entry("exclude_modules", "exclude_modules"),
            Map.entry("layer_replication", "layer_replication"),
            Map.entry("target_parameters", "target_parameters"),
            Map.entry("trainable_token_indices", "trainable_token_indices"),
            Map.entry("use_qalora", "QALoRA"),
            Map.entry("use_bdlora", "BD-LoRA"));

    private PeftConfigJson() {
    }

    public static PeftConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new Lowrank4jException(file + ": file not found (a PEFT adapter folder holds adapter_config.json "
                    + "and adapter_model.safetensors)");
        }
        return parse(Json.readObjectFile(file), file.toString());
    }

    /** Validates and converts a parsed config; {@code where} prefixes every message. */
    public static PeftConfig parse(ObjectNode o, String where) {
        JsonNode type = o.get("peft_type");
        if (type == null || !type.isTextual()) {
            throw new Lowrank4jException(where + ": peft_type is missing or not a string; only \"LORA\" adapters are supported");
        }
        if (!PeftConfig.PEFT_TYPE.equals(type.asText())) {
            throw new Lowrank4jException(where + ": peft_type '" + type.asText() + "' is not supported; only LORA adapters can be loaded");
        }
        int r = intField(o, "r", 8, where);
        if (r <= 0) throw new Lowrank4jException(where + ": r must be positive, got " + r);
        double alpha = numberField(o, "lora_alpha", 8, where);
        double dropout = numberField(o, "lora_dropout", 0, where);
        if (!(dropout >= 0 && dropout < 1)) throw new Lowrank4jException(where + ": lora_dropout must be in [0, 1), got " + dropout);
        boolean rslora = boolField(o, "use_rslora", false, where);
        boolean inference = boolField(o, "inference_mode", false, where);
        String bias = textField(o, "bias", "none", where);
        if (!"none".equals(bias)) throw new Lowrank4jException(where + ": bias '" + bias + "' is not supported; only \"none\"");
        for (Map.Entry<String, String> e : UNSUPPORTED.entrySet()) {
            JsonNode v = o.get(e.getKey());
            if (isSet(v)) {
                throw new Lowrank4jException(where + ": " + e.getKey() + " = " + v + " is not supported (" + e.getValue()
                        + " is not implemented); only plain LoRA adapters can be loaded");
            }
        }
        JsonNode init = o.get("init_lora_weights");
        LoraInit loraInit;
        try {
            loraInit = init == null || init.isNull() ? LoraInit.KAIMING_UNIFORM
                    : LoraInit.fromPeft(init.isBoolean() ? init.booleanValue() : init.isTextual() ? init.asText() : init.toString());
        } catch (Lowrank4jException e) {
            throw new Lowrank4jException(where + ": " + e.getMessage());
        }
        return new PeftConfig(nullableText(o, "task_type", where), r, alpha, dropout, targets(o, where), rslora, loraInit,
                nullableText(o, "base_model_name_or_path", where), inference, nullableText(o, "peft_version", where),
                modulesToSave(o, where));
    }

    /** PEFT's "off" values: absent, null, false, an empty object or list. */
    private static boolean isSet(JsonNode v) {
        if (v == null || v.isNull()) return false;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isContainerNode()) return !v.isEmpty();
        return true;
    }

    /** PEFT's modules_to_save: extra modules trained in full and saved beside the factors (a classifier head). */
    private static List<String> modulesToSave(ObjectNode o, String where) {
        JsonNode v = o.get("modules_to_save");
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw new Lowrank4jException(where + ": modules_to_save must be a list of module names, found " + Json.show(v));
        List<String> names = new ArrayList<>();
        for (JsonNode n : v) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw new Lowrank4jException(where + ": modules_to_save entries must be module names, found " + Json.show(n));
            }
            names.add(n.asText());
        }
        return List.copyOf(names);
    }

    private static TargetModules targets(ObjectNode o, String where) {
        JsonNode t = o.get("target_modules");
        if (t == null || t.isNull()) {
            throw new Lowrank4jException(where + ": target_modules is not set (PEFT's per-architecture defaults are not applied here)");
        }
        if (t.isTextual()) return TargetModules.fromString(t.asText());
        if (!t.isArray()) throw new Lowrank4jException(where + ": target_modules must be a list of names or a regex string, found " + t);
        List<String> names = new ArrayList<>();
        for (JsonNode n : t) {
            if (!n.isTextual()) throw new Lowrank4jException(where + ": target_modules entries must be strings, found " + n);
            names.add(n.asText());
        }
        try {
            return TargetModules.names(names);
        } catch (Lowrank4jException e) {
            throw new Lowrank4jException(where + ": " + e.getMessage());
        }
    }

    private static int intField(ObjectNode o, String key, int dflt, String where) {
        JsonNode v = o.get(key);
        if (v == null) return dflt;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new Lowrank4jException(where + ": " + key + " must be an integer, found " + v);
        return v.intValue();
    }

    private static double numberField(ObjectNode o, String key, double dflt, String where) {
        JsonNode v = o.get(key);
        if (v == null) return dflt;
        if (!v.isNumber()) throw new Lowrank4jException(where + ": " + key + " must be a number, found " + v);
        return v.doubleValue();
    }

    private static boolean boolField(ObjectNode o, String key, boolean dflt, String where) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw new Lowrank4jException(where + ": " + key + " must be true or false, found " + v);
        return v.booleanValue();
    }

    private static String textField(ObjectNode o, String key, String dflt, String where) {
        String s = nullableText(o, key, where);
        return s == null ? dflt : s;
    }

    private static String nullableText(ObjectNode o, String key, String where) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new Lowrank4jException(where + ": " + key + " must be a string, found " + v);
        return v.asText();
    }

    // ---------------------------------------------------------------- writing

    /** The JSON object PEFT would write for this config (keys sorted). */
    public static ObjectNode toJson(PeftConfig c) {
        Map<String, JsonNode> f = new TreeMap<>();
        f.put("alpha_pattern", NODES.objectNode());
        f.put("base_model_name_or_path", text(c.baseModelNameOrPath()));
        f.put("bias", NODES.textNode("none"));
        f.put("fan_in_fan_out", NODES.booleanNode(false));
        f.put("inference_mode", NODES.booleanNode(c.inferenceMode()));
        Object init = c.init().peftValue();
        f.put("init_lora_weights", init instanceof Boolean b ? NODES.booleanNode(b) : NODES.textNode((String) init));
        f.put("layers_pattern", NODES.nullNode());
        f.put("layers_to_transform", NODES.nullNode());
        f.put("lora_alpha", number(c.loraAlpha()));
        f.put("lora_bias", NODES.booleanNode(false));
        f.put("lora_dropout", NODES.numberNode(c.loraDropout()));
        if (c.modulesToSave().isEmpty()) {
            f.put("modules_to_save", NODES.nullNode());
        } else {
            ArrayNode m = NODES.arrayNode();
            c.modulesToSave().forEach(m::add);
            f.put("modules_to_save", m);
        }
        f.put("peft_type", NODES.textNode(PeftConfig.PEFT_TYPE));
        f.put("peft_version", text(c.peftVersion()));
        f.put("r", NODES.numberNode(c.r()));
        f.put("rank_pattern", NODES.objectNode());
        f.put("revision", NODES.nullNode());
        f.put("target_modules", targetsJson(c.targets()));
        f.put("task_type", text(c.taskType()));
        f.put("use_dora", NODES.booleanNode(false));
        f.put("use_rslora", NODES.booleanNode(c.useRslora()));
        ObjectNode o = NODES.objectNode();
        f.forEach(o::set);
        return o;
    }

    /** Python-like layout: {@code "key": value}, one entry per line, {@code {}} for empty objects. */
    public static String toText(PeftConfig c) {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("").withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        try {
            return Json.MAPPER.writer(printer).writeValueAsString(toJson(c)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain nodes always serialises
        }
    }

    public static void write(Path file, PeftConfig c) {
        Json.writeStringAtomically(file, toText(c));
    }

    /** {@code target_modules} as PEFT writes it: a list of names, or one string (a regex or "all-linear"). */
    public static JsonNode targetsJson(TargetModules t) {
        return switch (t) {
            case TargetModules.Names n -> {
                ArrayNode a = NODES.arrayNode();
                n.names().forEach(a::add);
                yield a;
            }
            case TargetModules.Regex r -> NODES.textNode(r.pattern());
            case TargetModules.AllLinear a -> NODES.textNode(TargetModules.ALL_LINEAR);
        };
    }

    private static JsonNode text(String s) {
        return s == null ? NODES.nullNode() : NODES.textNode(s);
    }

    /** Whole numbers as integers (PEFT's lora_alpha is usually an int), others as doubles. */
    private static JsonNode number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? NODES.numberNode((long) v) : NODES.numberNode(v);
    }
}
