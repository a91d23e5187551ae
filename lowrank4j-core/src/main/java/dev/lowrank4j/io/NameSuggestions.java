package dev.lowrank4j.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds the "did you mean" tail of a missing-name error. Checkpoint names are long dotted paths
 * that differ in one segment, so names sharing the longest prefix with the request are the most
 * useful to show; the list is capped so the message stays one readable line.
 */
final class NameSuggestions {
    private static final int MAX_SHOWN = 5;

    private NameSuggestions() {
    }

    static String describe(String wanted, Collection<String> available) {
        if (available.isEmpty()) return "the file holds no tensors";
        List<String> ranked = new ArrayList<>(available);
        // Stable sort keeps file order among equally good candidates.
        ranked.sort(Comparator.comparingInt((String s) -> -commonPrefix(wanted, s)));
        String shown = ranked.stream().limit(MAX_SHOWN).map(s -> "'" + s + "'").collect(Collectors.joining(", "));
        int rest = available.size() - Math.min(MAX_SHOWN, available.size());
        return "available (" + available.size() + "): " + shown + (rest > 0 ? ", ... (" + rest + " more)" : "");
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) i++;
        return i;
    }
}
