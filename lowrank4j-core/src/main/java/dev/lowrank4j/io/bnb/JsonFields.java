package dev.lowrank4j.io.bnb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;

/** Typed reads of JSON fields with one-line errors prefixed by where the object came from. */
final class JsonFields {
    private final ObjectNode obj;
    private final String where;

    JsonFields(ObjectNode obj, String where) {
        this.obj = obj;
        this.where = where;
    }

    boolean has(String key) {
        JsonNode v = obj.get(key);
        return v != null && !v.isNull();
    }

    String string(String key, String dflt) {
        if (!has(key)) {
            if (dflt != null) return dflt;
            throw new Lowrank4jException(where + ": missing \"" + key + "\"");
        }
        JsonNode v = obj.get(key);
        if (!v.isTextual()) throw new Lowrank4jException(where + ": \"" + key + "\" must be a string, found " + Json.kind(v));
        return v.asText();
    }

    int integer(String key) {
        JsonNode v = obj.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new Lowrank4jException(where + ": \"" + key + "\" must be an integer, found " + Json.kind(v));
        }
        return v.intValue();
    }

    double number(String key) {
        JsonNode v = obj.get(key);
        if (v == null || !v.isNumber()) throw new Lowrank4jException(where + ": \"" + key + "\" must be a number, found " + Json.kind(v));
        return v.doubleValue();
    }

    boolean bool(String key, boolean dflt) {
        if (!has(key)) return dflt;
        JsonNode v = obj.get(key);
        if (!v.isBoolean()) throw new Lowrank4jException(where + ": \"" + key + "\" must be true or false, found " + Json.kind(v));
        return v.asBoolean();
    }

    /** A list of non-negative integers. */
    int[] dims(String key) {
        JsonNode v = obj.get(key);
        if (v == null || !v.isArray()) throw new Lowrank4jException(where + ": \"" + key + "\" must be a list of integers, found " + Json.kind(v));
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode d = v.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new Lowrank4jException(where + ": \"" + key + "\" holds " + Json.kind(d) + "; dimensions are non-negative integers");
            }
            out[i] = d.intValue();
        }
        return out;
    }
}
