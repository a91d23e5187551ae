package dev.lowrank4j.cli.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Compares a recovered run with the uninterrupted one: every file byte for byte (weights,
 * optimizer state, configs, adapters, quantized codes), except the wall-clock fields, which are
 * dropped before comparing: {@code train_seconds} in trainer_state.json, the per-step timings in
 * metrics.jsonl. A stray file on either side (a leftover temporary folder, a missing checkpoint) is
 * a difference too.
 */
public final class OutputComparison {
    private static final Set<String> CLOCK_FIELDS = Set.of("train_seconds", "step_seconds");

    private OutputComparison() {}

    /** The differences under {@code paths} (relative to both roots); empty when the runs agree. */
    public static List<String> differences(Path reference, Path run, List<String> paths) {
        List<String> diffs = new ArrayList<>();
        for (String p : paths) {
            Set<String> files = new TreeSet<>(files(reference, p));
            Set<String> other = new TreeSet<>(files(run, p));
            for (String f : files) if (!other.contains(f)) diffs.add(f + ": missing");
            for (String f : other) if (!files.contains(f)) diffs.add(f + ": not in the uninterrupted run");
            files.retainAll(other);
            for (String f : files) {
                if (!same(reference.resolve(f), run.resolve(f))) diffs.add(f + ": differs");
            }
        }
        return diffs;
    }

    private static List<String> files(Path root, String p) {
        Path start = root.resolve(p);
        if (Files.isRegularFile(start)) return List.of(p);
        if (!Files.isDirectory(start)) return List.of();
        try (Stream<Path> s = Files.walk(start)) {
            return s.filter(Files::isRegularFile).map(f -> root.relativize(f).normalize().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean same(Path a, Path b) {
        try {
            String name = a.getFileName().toString();
            if (name.equals("trainer_state.json")) return withoutClock(Files.readString(a)).equals(withoutClock(Files.readString(b)));
            if (name.endsWith(".jsonl")) return jsonLines(a).equals(jsonLines(b));
            return Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> jsonLines(Path f) throws IOException {
        return Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(OutputComparison::withoutClock).toList();
    }

    private static JsonNode withoutClock(String json) {
        ObjectNode n = (ObjectNode) Json.parseObject(json.getBytes(StandardCharsets.UTF_8), "crash test output");
        n.properties().removeIf(e -> CLOCK_FIELDS.contains(e.getKey()) || e.getKey().endsWith("_per_second"));
        return n;
    }
}
