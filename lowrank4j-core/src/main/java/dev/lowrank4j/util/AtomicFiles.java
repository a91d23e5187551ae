package dev.lowrank4j.util;

import dev.lowrank4j.Lowrank4jException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes a file so that readers only ever see the old complete file or the new complete file:
 * content goes to a temporary file in the same folder (same file system, so the rename is atomic),
 * is forced to disk, and is then renamed over the target. A crash at any point leaves at worst a
 * stray hidden ".tmp" file, never a torn checkpoint, and the next write of the same file removes it.
 */
public final class AtomicFiles {

    /** Produces the file content; called once with a fresh, empty channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** The temporary file of a write of NAME is {@code .NAME.<random hex>.tmp}, beside it. */
    private static final String TMP_PREFIX = ".%s.";

    private AtomicFiles() {
    }

    public static void writeString(Path target, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    public static void write(Path target, Content content) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) {
            throw new Lowrank4jException(target + " is a directory; cannot write a file there");
        }
        Path tmp = dir.resolve(TMP_PREFIX.formatted(abs.getFileName()) + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            Files.createDirectories(dir);
            removeKilledWrites(dir, abs.getFileName().toString());
            // Opened with the default permissions (umask) rather than createTempFile's owner-only ones,
            // so the final file looks like any other file the user writes.
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dir);
        } catch (AccessDeniedException e) {
            throw new Lowrank4jException(target + ": cannot write: permission denied on " + e.getFile(), e);
        } catch (FileAlreadyExistsException e) {
            throw new Lowrank4jException(target + ": cannot write: " + e.getFile() + " exists and is not a folder", e);
        } catch (IOException e) {
            throw new Lowrank4jException(target + ": cannot write: " + Json.oneLine(String.valueOf(e.getMessage())), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * A kill -9 skips the finally block below and leaves the temporary file, which can be as large
     * as a model; the next write of the same target removes what earlier killed writes left (the
     * crash tests found one beside an exported model).
     */
    private static void removeKilledWrites(Path dir, String name) throws IOException {
        String prefix = TMP_PREFIX.formatted(name);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(".tmp") && n.substring(prefix.length(), n.length() - 4).matches("[0-9a-f]{1,16}")) {
                    deleteQuietly(p);
                }
            }
        }
    }

    /** Channel writes may be partial; loop until the buffer is drained. */
    public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Makes the rename itself durable. Not every OS lets you open a folder (Windows doesn't): best effort. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // The data itself is already on disk; only the rename's durability is at stake.
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // Leaves a hidden .tmp file behind; harmless and never mistaken for the target.
        }
    }
}
