package dev.lowrank4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Strict JSON parsing shared by the readers in this package. Strict because these files are
 * written by other tools and may be damaged: a duplicated key or garbage after the closing brace
 * means we would otherwise silently pick one interpretation.
 */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Parses bytes that must hold one JSON object; {@code where} prefixes every error message. */
    static ObjectNode parseObject(byte[] bytes, String where) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new Lowrank4jException(where + " is not valid JSON: " + describe(e));
        } catch (IOException e) {
            throw new Lowrank4jException(where + " could not be parsed: " + oneLine(e.getMessage()), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new Lowrank4jException(where + " is empty; expected a JSON object");
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new Lowrank4jException(where + " must be a JSON object, found " + kind(node));
        }
        return obj;
    }

    /** Reads a JSON file that must hold one object; errors name the file. */
    static ObjectNode readObjectFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Lowrank4jException(file + ": file not found");
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": cannot read: " + oneLine(String.valueOf(e.getMessage())), e);
        }
        return parseObject(bytes, file.toString());
    }

    /** Human name of a JSON node's type, for "expected X, found Y" messages. */
    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) return "nothing";
        if (n.isNull()) return "null";
        if (n.isObject()) return "an object";
        if (n.isArray()) return "an array";
        if (n.isTextual()) return "the string \"" + abbreviate(n.asText(), 40) + "\"";
        if (n.isBoolean()) return "the boolean " + n.asText();
        if (n.isNumber()) return "the number " + n.asText();
        return n.getNodeType().toString().toLowerCase();
    }

    /** A value as it would appear in the file: strings quoted, anything else described by {@link #kind}. */
    static String show(JsonNode n) {
        return n != null && n.isTextual() ? "\"" + abbreviate(n.asText(), 40) + "\"" : kind(n);
    }

    /** Jackson's own message without its multi-line source location, plus a compact position. */
    private static String describe(JsonProcessingException e) {
        String msg = oneLine(e.getOriginalMessage());
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            msg += " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        }
        return msg;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
