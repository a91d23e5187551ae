package dev.lowrank4j.io.bnb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code quantization_config} block of config.json for a bitsandbytes 4-bit model, as
 * transformers' BitsAndBytesConfig.to_dict writes it (see docs/NF4-FORMAT.md).
 *
 * @param doubleQuant  bnb_4bit_use_double_quant
 * @param computeDtype bnb_4bit_compute_dtype: the dtype bitsandbytes computes in ("float32", "bfloat16", "float16")
 * @param quantStorage bnb_4bit_quant_storage: the dtype the packed codes are stored as ("uint8" here)
 * @param skipModules  llm_int8_skip_modules: modules left unquantized, or null for transformers' default
 *                     (the output head)
 */
public record BnbQuantizationConfig(boolean doubleQuant, String computeDtype, String quantStorage, List<String> skipModules) {
    public static final String KEY = "quantization_config";
    /** The storage dtypes transformers accepts for bnb_4bit_quant_storage. */
    static final List<String> STORAGES = List.of("float16", "float32", "int8", "uint8", "float64", "bfloat16");

    public BnbQuantizationConfig {
        if (!BnbQuantState.DTYPES.contains(computeDtype)) throw new IllegalArgumentException("compute dtype " + computeDtype);
        if (!STORAGES.contains(quantStorage)) throw new IllegalArgumentException("quant storage " + quantStorage);
        skipModules = skipModules == null ? null : List.copyOf(skipModules);
    }

    /** What this library writes: NF4 in uint8, computed in float32. */
    public static BnbQuantizationConfig nf4(boolean doubleQuant) {
        return new BnbQuantizationConfig(doubleQuant, "float32", "uint8", null);
    }

    /** The block with every key of BitsAndBytesConfig.to_dict, sorted as transformers writes config.json. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("_load_in_4bit", true);
        o.put("_load_in_8bit", false);
        o.put("bnb_4bit_compute_dtype", computeDtype);
        o.put("bnb_4bit_quant_storage", quantStorage);
        o.put("bnb_4bit_quant_type", "nf4");
        o.put("bnb_4bit_use_double_quant", doubleQuant);
        o.put("llm_int8_enable_fp32_cpu_offload", false);
        o.put("llm_int8_has_fp16_weight", false);
        if (skipModules == null) o.putNull("llm_int8_skip_modules");
        else skipModules.forEach(o.putArray("llm_int8_skip_modules")::add);
        o.put("llm_int8_threshold", 6.0);
        o.put("load_in_4bit", true);
        o.put("load_in_8bit", false);
        o.put("quant_method", "bitsandbytes");
        return o;
    }

    /**
     * The model's 4-bit quantization, or empty when config.json has no quantization_config.
     * Another method, 8-bit bitsandbytes, or fp4 is a one-line error; absent keys take
     * BitsAndBytesConfig's defaults (which makes a missing bnb_4bit_quant_type fp4).
     */
    public static Optional<BnbQuantizationConfig> fromConfig(ObjectNode config, String where) {
        JsonNode node = config.get(KEY);
        if (node == null || node.isNull()) return Optional.empty();
        String at = where + ": " + KEY;
        if (!(node instanceof ObjectNode q)) throw new Lowrank4jException(at + " must be an object, found " + Json.kind(node));
        JsonFields f = new JsonFields(q, at);
        String method = f.string("quant_method", null);
        if (!method.equals("bitsandbytes")) {
            throw new Lowrank4jException(at + ": quantization method \"" + Json.abbreviate(method, 30)
                    + "\" is not supported (only bitsandbytes 4-bit nf4)");
        }
        boolean in8 = f.bool("load_in_8bit", f.bool("_load_in_8bit", false));
        boolean in4 = f.bool("load_in_4bit", f.bool("_load_in_4bit", false));
        if (in8) throw new Lowrank4jException(at + ": 8-bit bitsandbytes models are not supported (only 4-bit nf4)");
        if (!in4) throw new Lowrank4jException(at + ": load_in_4bit is not true; only 4-bit bitsandbytes models are supported");
        String type = f.string("bnb_4bit_quant_type", "fp4");
        if (!type.equals("nf4")) {
            throw new Lowrank4jException(at + ": bnb_4bit_quant_type \"" + Json.abbreviate(type, 20) + "\" is not supported (only nf4)");
        }
        String compute = f.string("bnb_4bit_compute_dtype", "float32");
        if (!BnbQuantState.DTYPES.contains(compute)) {
            throw new Lowrank4jException(at + ": bnb_4bit_compute_dtype \"" + Json.abbreviate(compute, 20) + "\" is not one of "
                    + BnbQuantState.DTYPES);
        }
        String storage = f.string("bnb_4bit_quant_storage", "uint8");
        if (!STORAGES.contains(storage)) {
            throw new Lowrank4jException(at + ": bnb_4bit_quant_storage \"" + Json.abbreviate(storage, 20) + "\" is not one of " + STORAGES);
        }
        return Optional.of(new BnbQuantizationConfig(f.bool("bnb_4bit_use_double_quant", false), compute, storage,
                skipModules(q.get("llm_int8_skip_modules"), at)));
    }

    private static List<String> skipModules(JsonNode node, String at) {
        if (node == null || node.isNull()) return null;
        if (!(node instanceof ArrayNode a)) throw new Lowrank4jException(at + ": llm_int8_skip_modules must be a list of strings, found " + Json.kind(node));
        List<String> out = new ArrayList<>();
        for (JsonNode n : a) {
            if (!n.isTextual()) throw new Lowrank4jException(at + ": llm_int8_skip_modules holds " + Json.kind(n) + "; expected module names");
            out.add(n.asText());
        }
        return out;
    }
}
