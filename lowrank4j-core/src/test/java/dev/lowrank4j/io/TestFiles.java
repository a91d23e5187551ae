package dev.lowrank4j.io;

import dev.lowrank4j.Lowrank4jException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers to hand-craft (possibly broken) safetensors files and check error messages. */
public final class TestFiles {
    private TestFiles() {
    }

    /** A file with the given header text (no padding) followed by {@code data}. */
    static Path raw(Path file, String headerJson, byte[] data) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return bytes(file, b.array());
    }

    static Path bytes(Path file, byte[] content) {
        try {
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] le(SafeTensorsDtype dtype, long... values) {
        int w = dtype.bits() / 8;
        ByteBuffer b = ByteBuffer.allocate(w * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (w) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    static byte[] f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) b.putDouble(v);
        return b.array();
    }

    /** Opening must fail with a one-line Lowrank4jException whose message contains every fragment. */
    static String assertOpenFails(Path file, String... fragments) {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> SafeTensors.open(file).close());
        assertMessage(e, fragments);
        return e.getMessage();
    }

    static void assertMessage(Throwable e, String... fragments) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "message must be one line: " + m);
        for (String f : fragments) assertTrue(m.contains(f), "message '" + m + "' should contain '" + f + "'");
    }

    public static Path resource(String name) {
        URL url = TestFiles.class.getResource(name);
        if (url == null) throw new AssertionError("test resource missing: " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static void assertBitwiseEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError("element " + i + ": expected bits " + Integer.toHexString(
                        Float.floatToRawIntBits(expected[i])) + " got " + Integer.toHexString(Float.floatToRawIntBits(actual[i])));
            }
        }
    }
}
