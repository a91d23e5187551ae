package dev.lowrank4j.io;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static dev.lowrank4j.io.TestFiles.assertBitwiseEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.lowrank4j.util.AtomicFiles;

class SafeTensorsRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void floatsAndLongsRoundTripBitwise() {
        float nanWithPayload = Float.intBitsToFloat(0x7fc12345);
        Tensor special = new Tensor(new float[] {
            0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, nanWithPayload}, 2, 3);
        // Larger than the 1 MiB read/write chunk, so chunk boundaries are crossed.
        Random r = new Random(7);
        float[] big = new float[3 * 317 * 331];
        for (int i = 0; i < big.length; i++) big[i] = (float) r.nextGaussian();
        long[] ids = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 42};

        Path file = tmp.resolve("rt.safetensors");
        new SafeTensorsWriter()
                .putFloat("special", special)
                .putLong("ids", ids, 3, 2)
                .putFloat("big", new Tensor(big, 3, 317, 331))
                .putFloat("scalar", new Tensor(new float[] {2.5f}))
                .putFloat("empty", Tensor.zeros(0, 4))
                .write(file);

        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(List.of("special", "ids", "big", "scalar", "empty"), List.copyOf(f.names()));
            assertBitwiseEqual(special.data, f.readFloat("special").data);
            assertArrayEquals(new int[] {2, 3}, f.readFloat("special").shape());
            assertArrayEquals(ids, f.readLong("ids"));
            assertArrayEquals(new int[] {3, 2}, f.entry("ids").shape());
            assertEquals(SafeTensorsDtype.I64, f.entry("ids").dtype());
            assertBitwiseEqual(big, f.readFloat("big").data);
            assertArrayEquals(new int[] {3, 317, 331}, f.readFloat("big").shape());
            Tensor scalar = f.readFloat("scalar");
            assertEquals(0, scalar.rank());
            assertEquals(2.5f, scalar.data[0]);
            assertArrayEquals(new int[] {0, 4}, f.readFloat("empty").shape());
            assertEquals(0, f.entry("empty").byteLength());
        }
    }

    @Test
    void metadataAlwaysHasFormatPtPlusExtras() {
        Path file = tmp.resolve("m.safetensors");
        new SafeTensorsWriter().metadata("step", "100").putFloat("w", Tensor.zeros(2)).write(file);
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(Map.of("format", "pt", "step", "100"), f.metadata());
        }
    }

    @Test
    void headerMatchesReferenceLayout() throws IOException {
        Path file = tmp.resolve("h.safetensors");
        new SafeTensorsWriter().putFloat("a", Tensor.zeros(2)).putLong("b", new long[] {5}, 1).write(file);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, (8 + n) % 8, "data section must start 8-byte aligned");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        assertEquals(json, header.stripTrailing());
        assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padding must be spaces");
        assertEquals(8 + n + 16, bytes.length);
    }

    /** The strongest compatibility check: re-writing the reference file reproduces it byte for byte. */
    @Test
    void rewritingReferenceModelIsByteIdentical() throws IOException {
        Path ref = TestFiles.resource("/hf-tiny-llama/tinyllama/model.safetensors");
        Path out = tmp.resolve("model.safetensors");
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensorsFile f = SafeTensors.open(ref)) {
            for (String name : f.names()) w.putFloat(name, f.readFloat(name));
        }
        w.write(out);
        assertArrayEquals(Files.readAllBytes(ref), Files.readAllBytes(out));
    }

    @Test
    void writeIsAtomicAndLeavesNoTempFiles() throws IOException {
        Path file = tmp.resolve("sub/dir/w.safetensors");
        new SafeTensorsWriter().putFloat("x", new Tensor(new float[] {1}, 1)).write(file);
        new SafeTensorsWriter().putFloat("y", new Tensor(new float[] {2, 3}, 2)).write(file); // replaces
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(List.of("y"), List.copyOf(f.names()));
        }
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList());
        }
    }

    @Test
    void failedWriteKeepsOldFileIntact() throws IOException {
        Path file = tmp.resolve("keep.bin");
        Files.writeString(file, "old");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap("partial".getBytes(StandardCharsets.UTF_8)));
            throw new IllegalStateException("crash mid-write");
        }));
        assertEquals("old", Files.readString(file));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(file), s.toList());
        }
    }

    @Test
    void writingOntoAFolderIsAUserError() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("taken"));
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> new SafeTensorsWriter().putFloat("x", Tensor.zeros(1)).write(dir));
        TestFiles.assertMessage(e, "taken", "directory");
    }

    @Test
    void writerRejectsProgrammingMistakes() {
        SafeTensorsWriter w = new SafeTensorsWriter().putFloat("x", Tensor.zeros(1));
        assertThrows(IllegalArgumentException.class, () -> w.putFloat("x", Tensor.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> w.putFloat("__metadata__", Tensor.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> w.putLong("ids", new long[3], 2, 2));
    }
}
