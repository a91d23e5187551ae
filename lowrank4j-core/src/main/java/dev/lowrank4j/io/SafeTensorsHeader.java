package dev.lowrank4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.lowrank4j.util.Json;

/**
 * Parses and validates the JSON header of a safetensors file. Nothing in the header is trusted:
 * every entry is checked against the real size of the data section before anyone reads bytes,
 * and the layout rules of the reference implementation are enforced (tensors tile the data section
 * exactly: no overlaps, no holes, no trailing bytes), so that files we accept are files the Python
 * library accepts too.
 */
record SafeTensorsHeader(Map<String, SafeTensorsEntry> entries, Map<String, String> metadata) {

    static final String METADATA_KEY = "__metadata__";

    /**
     * @param label    file name used as the prefix of every error message
     * @param json     the header bytes (trailing space padding allowed)
     * @param dataSize bytes in the data section, i.e. file size - 8 - header length
     */
    static SafeTensorsHeader parse(String label, byte[] json, long dataSize) {
        ObjectNode root = Json.parseObject(json, label + ": header");
        Map<String, String> metadata = Map.of();
        Map<String, SafeTensorsEntry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(label, field.getValue());
            } else {
                entries.put(field.getKey(), parseEntry(label, field.getKey(), field.getValue(), dataSize));
            }
        }
        checkTiling(label, entries, dataSize);
        return new SafeTensorsHeader(Collections.unmodifiableMap(entries), metadata);
    }

    private static Map<String, String> parseMetadata(String label, JsonNode node) {
        if (!node.isObject()) {
            throw new Lowrank4jException(label + ": " + METADATA_KEY + " must be an object of strings, found "
                    + Json.kind(node));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            // The reference library types this as a string->string map and rejects anything else.
            if (!e.getValue().isTextual()) {
                throw new Lowrank4jException(label + ": " + METADATA_KEY + " value for '" + e.getKey()
                        + "' must be a string, found " + Json.kind(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return Collections.unmodifiableMap(out);
    }

    private static SafeTensorsEntry parseEntry(String label, String name, JsonNode node, long dataSize) {
        String where = label + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new Lowrank4jException(where + " must be an object with dtype, shape, data_offsets; found "
                    + Json.kind(node));
        }
        SafeTensorsDtype dtype = parseDtype(where, node.get("dtype"));
        int[] shape = parseShape(where, node.get("shape"));
        long[] offsets = parseOffsets(where, node.get("data_offsets"));
        long begin = offsets[0];
        long end = offsets[1];

        long numel = 1;
        for (int d : shape) {
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException e) {
                throw new Lowrank4jException(where + " has shape " + shapeString(shape) + " whose size overflows");
            }
        }
        long bits;
        try {
            bits = Math.multiplyExact(numel, dtype.bits());
        } catch (ArithmeticException e) {
            throw new Lowrank4jException(where + " has shape " + shapeString(shape) + " whose size overflows");
        }
        if (bits % 8 != 0) {
            throw new Lowrank4jException(where + " has " + numel + " elements of " + dtype
                    + ", which do not fill whole bytes");
        }
        long expected = bits / 8;
        if (end - begin != expected) {
            throw new Lowrank4jException(where + " is " + dtype + " " + shapeString(shape) + " = " + expected
                    + " bytes, but data_offsets " + begin + ".." + end + " span " + (end - begin) + " bytes");
        }
        if (end > dataSize) {
            throw new Lowrank4jException(where + " claims bytes " + begin + ".." + end
                    + " but the data section holds " + dataSize + " bytes (file truncated?)");
        }
        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static SafeTensorsDtype parseDtype(String where, JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw new Lowrank4jException(where + " needs a string \"dtype\", found " + Json.kind(node));
        }
        String s = node.asText();
        return SafeTensorsDtype.parse(s).orElseThrow(() -> new Lowrank4jException(where + " has unknown dtype '"
                + Json.abbreviate(s, 40) + "' (known: " + SafeTensorsDtype.knownList() + ")"));
    }

    private static int[] parseShape(String where, JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new Lowrank4jException(where + " needs an array \"shape\", found " + Json.kind(node));
        }
        int[] shape = new int[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber()) {
                throw new Lowrank4jException(where + " has a non-integer dimension " + Json.kind(d) + " in its shape");
            }
            if (d.canConvertToLong() && d.asLong() < 0 || d.isBigInteger() && d.bigIntegerValue().signum() < 0) {
                throw new Lowrank4jException(where + " has a negative dimension " + d.asText() + " in shape "
                        + node);
            }
            if (!d.canConvertToInt()) {
                throw new Lowrank4jException(where + " has dimension " + d.asText()
                        + ", larger than lowrank4j supports (" + Integer.MAX_VALUE + ")");
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    private static long[] parseOffsets(String where, JsonNode node) {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw new Lowrank4jException(where + " needs \"data_offsets\" as [begin, end], found "
                    + (node != null && node.isArray() ? "an array of " + node.size() : Json.kind(node)));
        }
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new Lowrank4jException(where + " has an invalid data offset " + v.asText()
                        + " (must be a non-negative integer)");
            }
            out[i] = v.asLong();
        }
        if (out[1] < out[0]) {
            throw new Lowrank4jException(where + " has data_offsets " + out[0] + ".." + out[1] + " that end before they begin");
        }
        return out;
    }

    /** The reference rejects overlaps, holes and unused trailing bytes; so do we, with names in the message. */
    private static void checkTiling(String label, Map<String, SafeTensorsEntry> entries, long dataSize) {
        List<SafeTensorsEntry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(SafeTensorsEntry::begin).thenComparingLong(SafeTensorsEntry::end));
        long pos = 0;
        SafeTensorsEntry prev = null;
        for (SafeTensorsEntry e : sorted) {
            if (e.begin() < pos) {
                throw new Lowrank4jException(label + ": tensors '" + prev.name() + "' (bytes " + prev.begin() + ".."
                        + prev.end() + ") and '" + e.name() + "' (bytes " + e.begin() + ".." + e.end() + ") overlap");
            }
            if (e.begin() > pos) {
                throw new Lowrank4jException(label + ": " + (e.begin() - pos) + " unused bytes before tensor '"
                        + e.name() + "' at data offset " + pos + " (the safetensors format allows no holes)");
            }
            pos = e.end();
            prev = e;
        }
        if (pos != dataSize) {
            throw new Lowrank4jException(label + ": the data section holds " + dataSize + " bytes but its tensors use "
                    + pos + "; " + (dataSize - pos) + " trailing bytes belong to no tensor");
        }
    }

    static String shapeString(int[] shape) {
        return Arrays.toString(shape);
    }
}
