package dev.lowrank4j.cli.crash;

import dev.lowrank4j.util.CrashPoints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line as a separate JVM, the way the ./lowrank4j launcher starts it (same java binary
 * as this JVM, this JVM's class path, the launcher's flags), with stdout and stderr in log files so
 * that a killed process cannot block on a full pipe.
 */
final class CliProcess {
    private CliProcess() {}

    static Process start(List<String> cliArgs, long writePauseMs, Path log) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss16m", "-XX:+UseSerialGC"));
        if (writePauseMs > 0) cmd.add("-D" + CrashPoints.PAUSE_PROPERTY + "=" + writePauseMs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.lowrank4j.cli.Main"));
        cmd.addAll(cliArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectError(errLog(log).toFile());
        pb.environment().put("CI", "1"); // log lines, not a redrawn bar
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path errLog(Path log) {
        return log.resolveSibling(log.getFileName() + ".err");
    }

    /** How many write pauses ({@link CrashPoints#pause}) the process has announced so far. */
    static long announcedPauses(Path log) {
        try {
            return Files.readAllLines(errLog(log), StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(CrashPoints.ANNOUNCEMENT)).count();
        } catch (IOException e) {
            return 0; // not created yet
        }
    }

    /** The last line of the process's stderr (its error: line after a failure), or "". */
    static String lastErrorLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(errLog(log), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator") && !l.startsWith(CrashPoints.ANNOUNCEMENT)).toList();
            return lines.isEmpty() ? "" : lines.getLast();
        } catch (IOException e) {
            return "";
        }
    }
}
