package dev.lowrank4j.tasks.quantize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.quant.act.ActivationMode;
import dev.lowrank4j.quant.act.QuantScheme;
import dev.lowrank4j.quant.ptq.IntPacking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code quantization_config.json} of a quantized model folder (docs/QUANTIZE.md): the scheme the
 * tensors were written with, the quantized modules, and how they were obtained (kept for the
 * record; loading reads only the scheme and the modules).
 */
public record QuantizationConfig(String method, QuantScheme scheme, List<String> modules, Map<String, Object> provenance,
                                 int storageBits) {
    public static final String FILE = "quantization_config.json";
    public static final String FORMAT = "lowrank4j-ptq";
    public static final int VERSION = 1;

    /** A config for codes packed at their own width, as {@code quantize} writes them. */
    public QuantizationConfig(String method, QuantScheme scheme, List<String> modules, Map<String, Object> provenance) {
        this(method, scheme, modules, provenance, IntPacking.storageBits(scheme.weightBits()));
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("quant_method", method);
        m.put("scheme", scheme.name());
        m.put("weight_bits", scheme.weightBits());
        m.put("weight_storage_bits", storageBits);
        m.put("weight_granularity", "per_output_channel");
        m.put("weight_symmetric", false);
        m.put("activation_bits", scheme.activationBits());
        m.put("activation", scheme.activation().id);
        m.put("kv_bits", scheme.kvBits());
        m.put("modules", modules);
        m.put("provenance", provenance);
        return m;
    }

    public static QuantizationConfig fromJson(JsonNode j, String where) {
        try {
            if (!FORMAT.equals(j.path("format").asText())) {
                throw new Lowrank4jException(where + ": format is '" + j.path("format").asText() + "', expected " + FORMAT);
            }
            if (j.path("version").asInt(-1) != VERSION) {
                throw new Lowrank4jException(where + ": version " + j.path("version") + " is not " + VERSION);
            }
            int wb = need(j, "weight_bits", where).asInt(), ab = need(j, "activation_bits", where).asInt();
            ActivationMode mode = ActivationMode.parse(need(j, "activation", where).asText());
            int kv = j.path("kv_bits").asInt(0);
            QuantScheme scheme = new QuantScheme(wb, ab, mode, kv);
            if (!scheme.name().equals(j.path("scheme").asText(scheme.name()))) {
                throw new Lowrank4jException(where + ": scheme " + j.path("scheme").asText() + " does not match weight_bits "
                        + wb + " and activation_bits " + ab);
            }
            // Folders written before true b-bit packing hold 3-bit codes in nibbles; they still load.
            int storage = j.has("weight_storage_bits") ? j.get("weight_storage_bits").asInt() : wb <= 4 ? 4 : 8;
            if (!IntPacking.readableStorage(wb, storage)) {
                throw new Lowrank4jException(where + ": weight_storage_bits " + j.get("weight_storage_bits")
                        + " does not fit weight_bits " + wb);
            }
            List<String> modules = new ArrayList<>();
            for (JsonNode n : need(j, "modules", where)) modules.add(n.asText());
            if (modules.isEmpty()) throw new Lowrank4jException(where + ": no quantized modules listed");
            return new QuantizationConfig(j.path("quant_method").asText("unknown"), scheme, modules, Map.of(), storage);
        } catch (Lowrank4jException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Lowrank4jException(where + ": unreadable quantization config (" + e.getMessage() + ")");
        }
    }

    private static JsonNode need(JsonNode j, String key, String where) {
        JsonNode n = j.get(key);
        if (n == null || n.isNull()) throw new Lowrank4jException(where + ": missing \"" + key + "\"");
        return n;
    }
}
