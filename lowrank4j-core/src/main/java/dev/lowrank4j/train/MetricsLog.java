package dev.lowrank4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Appends one JSON object per line to {@code metrics.jsonl}, flushed line by line. */
public final class MetricsLog implements AutoCloseable {
    private final BufferedWriter out;
    private final Path file;

    public MetricsLog(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": cannot open metrics log (" + e.getMessage() + ")");
        }
    }

    public void write(Map<String, ?> record) {
        try {
            out.write(Json.compact(record));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": cannot write metrics (" + e.getMessage() + ")");
        }
    }

    /**
     * Drops lines past {@code step}: after a crash, the resumed run re-does those steps and
     * writes them again, so the log holds each step once.
     */
    public static void truncateAfter(Path file, long step) {
        if (!Files.exists(file)) return;
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    JsonNode n = Json.MAPPER.readTree(line);
                    if (n.path("step").asLong(Long.MAX_VALUE) <= step) kept.add(line);
                } catch (IOException torn) {
                    // a torn last line from a crash: drop it
                }
            }
            Json.writeStringAtomically(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": cannot rewrite metrics log (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // closing a flushed log cannot lose data
        }
    }
}
