package dev.lowrank4j.fuzz;

import dev.lowrank4j.Lowrank4jException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Helpers shared by the fuzz targets. The contract every target checks: a parser given any bytes
 * either succeeds or throws {@link Lowrank4jException} (the type the CLI prints as one
 * {@code error:} line). Any other throwable escapes the target and Jazzer reports it as a finding.
 */
final class FuzzInputs {
    private FuzzInputs() {}

    /** Runs {@code parse}; only the project's own error type is an accepted outcome. */
    static void expectOnlyProjectErrors(Runnable parse) {
        try {
            parse.run();
        } catch (Lowrank4jException expected) {
            // The one-line user error: fine. Its message must stay one line for the CLI.
            String m = expected.getMessage();
            if (m == null || m.isBlank() || m.indexOf('\n') >= 0) {
                throw new AssertionError("Lowrank4jException with a message that is not one line: " + m, expected);
            }
        }
    }

    /** One scratch file per JVM, rewritten for each input (fuzzing runs inputs sequentially). */
    private static Path scratchDir;

    static synchronized Path scratchFile(String name, byte[] bytes) {
        try {
            if (scratchDir == null) {
                scratchDir = Files.createTempDirectory("lowrank4j-fuzz");
                scratchDir.toFile().deleteOnExit();
            }
            Path f = scratchDir.resolve(name);
            Files.write(f, bytes);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("fuzz harness could not write its scratch file", e);
        }
    }

    static synchronized Path scratchDir(String name) {
        try {
            if (scratchDir == null) {
                scratchDir = Files.createTempDirectory("lowrank4j-fuzz");
                scratchDir.toFile().deleteOnExit();
            }
            Path d = scratchDir.resolve(name);
            Files.createDirectories(d);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException("fuzz harness could not create its scratch folder", e);
        }
    }

    /**
     * Splits a two-file input at its first NUL byte: the JSON file before it (JSON text holds no raw
     * NUL), the binary file after it. Without a NUL the whole input is the JSON and the binary is empty.
     */
    static byte[][] splitAtNul(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return new byte[][] {java.util.Arrays.copyOfRange(bytes, 0, i), java.util.Arrays.copyOfRange(bytes, i + 1, bytes.length)};
            }
        }
        return new byte[][] {bytes, new byte[0]};
    }
}
