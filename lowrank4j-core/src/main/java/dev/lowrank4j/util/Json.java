package dev.lowrank4j.util;

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
 * The project's one Jackson mapper, for every JSON file it reads or writes (Hugging Face configs,
 * PEFT configs, run configs, metrics, summaries, trainer state).
 *
 * <p>Reading is strict because many of these files are written by other tools and may be damaged:
 * a duplicated key or garbage after the closing brace would otherwise make us silently pick one
 * interpretation. Writing is pretty-printed for files a person may open, compact for JSONL lines,
 * and atomic (see {@link AtomicFiles}).
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    // ---------------------------------------------------------------- writing

    public static String compact(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pretty JSON plus a newline, written to a sibling temp file, fsynced, renamed over {@code file}. */
    public static void writeAtomically(Path file, Object value) {
        writeStringAtomically(file, pretty(value) + "\n");
    }

    public static void writeStringAtomically(Path file, String text) {
        AtomicFiles.writeString(file, text);
    }

    // ---------------------------------------------------------------- strict reading

    /** Parses bytes that must hold one JSON object; {@code where} prefixes every error message. */
    public static ObjectNode parseObject(byte[] bytes, String where) {
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
    public static ObjectNode readObjectFile(Path file) {
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
    public static String kind(JsonNode n) {
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
    public static String show(JsonNode n) {
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

    /** A message folded onto one line (exception texts often span several). */
    public static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    public static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
