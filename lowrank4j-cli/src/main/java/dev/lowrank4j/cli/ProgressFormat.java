package dev.lowrank4j.cli;

import java.util.Locale;

/**
 * The one copy of how progress looks: the bar, the ETA, durations, and whether stdout is a
 * terminal (bar redrawn in place) or a log (plain lines), for {@link Progress} (training) and
 * {@link PhaseProgress} (every other long phase).
 */
final class ProgressFormat {
    static final int BAR_WIDTH = 30;

    private ProgressFormat() {}

    /**
     * A terminal a person watches. CI systems attach pseudo-terminals to some jobs yet keep the
     * output as a log, so {@code CI} set in the environment (as GitHub Actions, GitLab and most
     * others do) always means plain lines.
     */
    static boolean interactive() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal() && System.getenv("CI") == null;
    }

    /** {@code [#####     ]} filled in proportion to done/total; empty when the total is unknown. */
    static String bar(long done, long total) {
        int filled = total <= 0 ? 0 : (int) Math.min(BAR_WIDTH, BAR_WIDTH * done / total);
        return "[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "]";
    }

    /** Time left if the remaining units take as long as the done ones did; "?" before the first. */
    static String eta(double elapsedSeconds, long done, long total) {
        if (done <= 0 || total <= 0) return "?";
        return duration(elapsedSeconds / done * Math.max(0, total - done));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
