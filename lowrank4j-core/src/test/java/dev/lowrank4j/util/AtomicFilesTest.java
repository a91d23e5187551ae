package dev.lowrank4j.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
    @Test
    void aWriteRemovesTheTemporaryFilesOfKilledWritesOfTheSameFile(@TempDir Path dir) throws IOException {
        // what a kill -9 inside AtomicFiles.write leaves (its finally block never runs)
        Path killed = Files.writeString(dir.resolve(".model.safetensors.df8c28b5f4cc7927.tmp"), "half a model");
        Path otherFile = Files.writeString(dir.resolve(".config.json.1a2b.tmp"), "another file's");
        Path notOurs = Files.writeString(dir.resolve(".model.safetensors.backup.tmp"), "a user's file");
        AtomicFiles.writeString(dir.resolve("model.safetensors"), "weights");
        assertEquals("weights", Files.readString(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(killed), "the killed write's temporary file is removed");
        assertTrue(Files.exists(otherFile), "another file's temporary file is not touched");
        assertTrue(Files.exists(notOurs), "only names this class makes are removed");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(4 - 1, s.count());
        }
    }
}
