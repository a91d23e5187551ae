package dev.lowrank4j.data;

import dev.lowrank4j.Lowrank4jException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Loads raw text corpora: a user's file or the embedded default (Moby Dick, CC0). */
public final class Corpus {
    public static final String EMBEDDED_NAME = "moby-dick (embedded)";
    private static final String EMBEDDED_RESOURCE = "/dev/lowrank4j/data/moby-dick.txt";

    private Corpus() {}

    public static byte[] embedded() {
        try (InputStream in = Corpus.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) throw new IllegalStateException("embedded corpus missing from the jar: " + EMBEDDED_RESOURCE);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read embedded corpus", e);
        }
    }

    public static byte[] read(Path file) {
        try {
            if (Files.isDirectory(file)) throw new Lowrank4jException(file + ": is a directory, expected a text file");
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Lowrank4jException(file + ": corpus file not found");
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": cannot read corpus (" + e.getMessage() + ")");
        }
    }
}
