package dev.lowrank4j.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.util.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run folder rules every job follows: a new run refuses a folder that already holds one (so
 * nothing is overwritten by accident) and records its settings in {@code run_config.json}; a resumed
 * run must use exactly the settings it started with, or its trajectory would silently change.
 */
public final class RunFolder {
    public static final String CONFIG_FILE = "run_config.json";

    private RunFolder() {}

    public static void prepare(Path dir, boolean resume, Map<String, Object> settings) {
        check(dir, resume, settings);
        if (!resume) Json.writeAtomically(dir.resolve(CONFIG_FILE), settings);
    }

    /** What {@link #prepare} refuses, without writing anything (a distributed driver checks before its replicas start). */
    public static void check(Path dir, boolean resume, Map<String, Object> settings) {
        if (resume) {
            requireSameSettings(dir.resolve(CONFIG_FILE), settings);
        } else if (Checkpoints.latest(dir).isPresent()) {
            throw new Lowrank4jException(dir + " already holds a run; add --resume to continue it or choose another --out");
        }
    }

    private static void requireSameSettings(Path file, Map<String, Object> now) {
        if (!Files.isRegularFile(file)) throw new Lowrank4jException(file.getParent() + ": nothing to resume (no " + CONFIG_FILE + ")");
        JsonNode saved = Json.readObjectFile(file);
        // through text, as the saved file went: 0L and 0 then compare equal, as they do in the file
        JsonNode current = Json.parseObject(Json.compact(now).getBytes(java.nio.charset.StandardCharsets.UTF_8), "settings");
        List<String> differ = new ArrayList<>();
        current.fieldNames().forEachRemaining(k -> {
            if (!current.get(k).equals(saved.get(k))) differ.add(k);
        });
        if (!differ.isEmpty()) {
            throw new Lowrank4jException("--resume needs the options the run started with; these differ from "
                    + file + ": " + String.join(", ", differ));
        }
    }
}
