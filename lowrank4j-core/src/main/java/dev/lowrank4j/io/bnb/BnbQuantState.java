package dev.lowrank4j.io.bnb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.util.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The non-tensor part of a bitsandbytes 4-bit QuantState, which Linear4bit saves as the uint8
 * tensor {@code <weight>.quant_state.bitsandbytes__<quant_type>} holding UTF-8 JSON
 * (bitsandbytes functional.py QuantState.as_dict(packed=True), utils.pack_dict_to_tensor).
 *
 * @param quantType       "nf4" (bitsandbytes also knows "fp4", which is not supported here)
 * @param blocksize       values per absmax block
 * @param dtype           torch dtype name of the original weight ("float32", "bfloat16", "float16")
 * @param shape           the weight's shape
 * @param nestedBlocksize absmax values per second-level block when double-quantized, else 0
 * @param nestedOffset    the mean subtracted from the absmax values before their quantization
 */
public record BnbQuantState(String quantType, int blocksize, String dtype, int[] shape, int nestedBlocksize,
                            double nestedOffset) {
    public static final String KEY_PREFIX = "quant_state.bitsandbytes__";
    /** The dtypes bitsandbytes' dequantize_4bit accepts for the weight. */
    static final List<String> DTYPES = List.of("float32", "float16", "bfloat16");
    /** The second level always dequantizes in float32 (the absmax values' dtype in quantize_4bit). */
    static final String NESTED_DTYPE = "float32";
    /** QuantState.valid_qs_keys minus the tensors: what the JSON may hold (from_dict asserts the same). */
    private static final Set<String> KEYS = Set.of("quant_type", "blocksize", "dtype", "shape", "nested_blocksize",
            "nested_dtype", "nested_offset");
    private static final int MAX_JSON_BYTES = 1 << 16;

    public BnbQuantState {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public boolean nested() {
        return nestedBlocksize > 0;
    }

    /**
     * Parses and checks the JSON; {@code where} names the tensor in every error. Unknown keys,
     * a quant type other than nf4, an unsupported blocksize or dtype, or half of the nested
     * fields are all one-line errors.
     */
    public static BnbQuantState parse(byte[] json, String where) {
        if (json.length > MAX_JSON_BYTES) throw new Lowrank4jException(where + ": " + json.length + " bytes is too long for a quant state");
        ObjectNode obj = Json.parseObject(json, where);
        List<String> unknown = obj.properties().stream().map(java.util.Map.Entry::getKey).filter(k -> !KEYS.contains(k)).toList();
        if (!unknown.isEmpty()) throw new Lowrank4jException(where + ": unknown quant state keys " + unknown);
        JsonFields f = new JsonFields(obj, where);
        String type = f.string("quant_type", null);
        if (!type.equals("nf4")) {
            throw new Lowrank4jException(where + ": quant_type \"" + Json.abbreviate(type, 20) + "\" is not supported"
                    + (type.equals("fp4") ? " (only nf4)" : " (bitsandbytes knows nf4 and fp4; only nf4 is supported)"));
        }
        int blocksize = f.integer("blocksize");
        if (!Nf4Options.isSupported(blocksize)) {
            throw new Lowrank4jException(where + ": blocksize " + blocksize + " is not one of "
                    + Arrays.toString(Nf4Options.BLOCKSIZES));
        }
        String dtype = f.string("dtype", null);
        if (!DTYPES.contains(dtype)) throw new Lowrank4jException(where + ": dtype \"" + Json.abbreviate(dtype, 20) + "\" is not one of " + DTYPES);
        int[] shape = f.dims("shape");
        boolean anyNested = f.has("nested_blocksize") || f.has("nested_dtype") || f.has("nested_offset");
        if (!anyNested) return new BnbQuantState(type, blocksize, dtype, shape, 0, 0);
        int nestedBlocksize = f.integer("nested_blocksize");
        if (nestedBlocksize < 1) throw new Lowrank4jException(where + ": nested_blocksize " + nestedBlocksize + " must be positive");
        String nestedDtype = f.string("nested_dtype", null);
        if (!nestedDtype.equals(NESTED_DTYPE)) {
            throw new Lowrank4jException(where + ": nested_dtype \"" + Json.abbreviate(nestedDtype, 20) + "\" is not supported (only float32)");
        }
        double offset = f.number("nested_offset");
        if (!Double.isFinite(offset)) throw new Lowrank4jException(where + ": nested_offset " + offset + " is not finite");
        return new BnbQuantState(type, blocksize, dtype, shape, nestedBlocksize, offset);
    }

    /**
     * The JSON exactly as Python's json.dumps writes the dict: keys in as_dict's order,
     * ", " and ": " separators, floats as repr.
     */
    public byte[] toJson() {
        StringBuilder sb = new StringBuilder("{\"quant_type\": \"").append(quantType).append("\", \"blocksize\": ")
                .append(blocksize).append(", \"dtype\": \"").append(dtype).append("\", \"shape\": ")
                .append(Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]")));
        if (nested()) {
            sb.append(", \"nested_blocksize\": ").append(nestedBlocksize).append(", \"nested_dtype\": \"")
                    .append(NESTED_DTYPE).append("\", \"nested_offset\": ").append(PythonFloats.repr(nestedOffset));
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BnbQuantState s && quantType.equals(s.quantType) && blocksize == s.blocksize
                && dtype.equals(s.dtype) && Arrays.equals(shape, s.shape) && nestedBlocksize == s.nestedBlocksize
                && Double.compare(nestedOffset, s.nestedOffset) == 0;
    }

    @Override
    public int hashCode() {
        return (quantType.hashCode() * 31 + blocksize) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }
}
