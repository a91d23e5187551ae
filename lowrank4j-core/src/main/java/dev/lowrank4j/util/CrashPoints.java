package dev.lowrank4j.util;

/**
 * Pause points for the kill -9 crash tests (docs/RELIABILITY.md, "Crash tests"). A random kill
 * rarely lands inside a checkpoint or quantized-folder write, which takes milliseconds; with the
 * system property {@code lowrank4j.test.writePauseMs=N} each multi-file folder write sleeps N ms at
 * its pause points (after the first file, before the final rename), so a test harness that sees
 * the pause announced on stderr ({@value #ANNOUNCEMENT} N ms) can kill the process in the middle of
 * the write, whatever the writer's folder names. Unset (the normal case) it does nothing.
 */
public final class CrashPoints {
    public static final String PAUSE_PROPERTY = "lowrank4j.test.writePauseMs";
    public static final String ANNOUNCEMENT = "lowrank4j.test: write pause";

    private CrashPoints() {}

    /** Sleeps for the configured pause, if any; an interrupt just ends the pause early. */
    public static void pause() {
        long ms = Long.getLong(PAUSE_PROPERTY, 0L);
        if (ms <= 0) return;
        System.err.println(ANNOUNCEMENT + " " + ms + " ms");
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
