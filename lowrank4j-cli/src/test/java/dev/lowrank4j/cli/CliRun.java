package dev.lowrank4j.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of the command line inside the test JVM, with what it printed, and the check every CLI
 * test makes of a user mistake: the exit code, one {@code error:} line naming the problem (plus the
 * help hint for usage errors), no trace.
 */
record CliRun(int code, String out, String err) {

    static CliRun run(String... args) {
        return run(Main::commandLine, args);
    }

    /** The command line is built after the streams are redirected: picocli binds them when it is created. */
    static CliRun run(Supplier<CommandLine> commandLine, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = commandLine.get().execute(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** A user error: exit code 1 and a one-line message containing {@code fragment}. */
    static void assertOneLineError(CliRun r, String fragment) {
        assertOneLineError(r, 1, fragment);
    }

    static void assertOneLineError(CliRun r, int code, String fragment) {
        assertEquals(code, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        // a usage error (exit 2) may add picocli's hint "Try 'lowrank4j CMD --help'." as a second line
        boolean hint = code == 2 && lines.length == 2 && lines[1].startsWith("Try '");
        assertTrue(lines.length == 1 || hint, "one line: " + r.err());
        assertTrue(lines[0].startsWith("error: "), r.err());
        assertTrue(lines[0].contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
