package dev.lowrank4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A run's settings (its run_config.json, or any object) as flat key paths for the report's settings table. */
public final class Settings {
    private Settings() {}

    /** The settings in {@code file}, or an empty map when the run has none (older run folders). */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) return Map.of();
        try {
            return flatten(Json.MAPPER.readTree(file.toFile()));
        } catch (IOException e) {
            return Map.of("run_config.json", "unreadable: " + e.getMessage());
        }
    }

    /** Any object Jackson can write (records of options), flattened the same way. */
    public static Map<String, String> of(Object settings) {
        return flatten(Json.MAPPER.valueToTree(settings));
    }

    public static Map<String, String> flatten(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        add("", n, out);
        return out;
    }

    private static void add(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject() && !n.isEmpty()) {
            n.properties().forEach(e -> add(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else if (n.isNull()) {
            out.put(prefix, "(default)");
        } else {
            out.put(prefix.isEmpty() ? "value" : prefix, n.isTextual() ? n.asText() : n.toString());
        }
    }
}
