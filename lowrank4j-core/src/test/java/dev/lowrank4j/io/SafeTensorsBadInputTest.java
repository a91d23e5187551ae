package dev.lowrank4j.io;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.lowrank4j.io.TestFiles.assertOpenFails;
import static dev.lowrank4j.io.TestFiles.raw;

/** Damaged or hostile files must fail with a one-line Lowrank4jException, never another exception type. */
class SafeTensorsBadInputTest {
    @TempDir
    Path tmp;

    private static final String ONE_F32 = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";

    private Path f(String name) {
        return tmp.resolve(name);
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    @Test
    void missingFileAndFolder() throws IOException {
        assertOpenFails(f("nope.safetensors"), "nope.safetensors", "not found");
        assertOpenFails(Files.createDirectory(f("dir.safetensors")), "directory");
    }

    @Test
    void emptyFile() {
        assertOpenFails(TestFiles.bytes(f("empty.safetensors"), new byte[0]), "empty.safetensors", "empty");
    }

    @Test
    void fiveByteFile() {
        assertOpenFails(TestFiles.bytes(f("five.safetensors"), new byte[] {1, 2, 3, 4, 5}), "five.safetensors", "5 bytes");
    }

    @Test
    void headerLengthLargerThanFile() {
        byte[] b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array();
        assertOpenFails(TestFiles.bytes(f("long.safetensors"), b), "long.safetensors", "1000", "12 bytes", "truncated");
    }

    @Test
    void absurdHeaderLength() {
        byte[] b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-2).array();
        assertOpenFails(TestFiles.bytes(f("huge.safetensors"), b), "huge.safetensors", "18446744073709551614", "implausible");
    }

    @Test
    void foreignFormatsGetAHint() {
        byte[] lfs = "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n".getBytes(StandardCharsets.UTF_8);
        assertOpenFails(TestFiles.bytes(f("lfs.safetensors"), lfs), "Git LFS pointer");
        byte[] zip = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0};
        assertOpenFails(TestFiles.bytes(f("zip.safetensors"), zip), "zip archive");
    }

    @Test
    void garbageJson() {
        assertOpenFails(raw(f("garbage.safetensors"), "{\"x\": nonsense", new byte[0]), "garbage.safetensors", "not valid JSON");
        assertOpenFails(raw(f("arr.safetensors"), "[1,2]  ", new byte[0]), "arr.safetensors", "JSON object", "array");
        assertOpenFails(raw(f("trail.safetensors"), "{} {}", new byte[0]), "trail.safetensors", "not valid JSON");
        assertOpenFails(raw(f("blank.safetensors"), "        ", new byte[0]), "blank.safetensors", "empty");
        byte[] badUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        ByteBuffer b = ByteBuffer.allocate(8 + badUtf8.length).order(ByteOrder.LITTLE_ENDIAN).putLong(badUtf8.length).put(badUtf8);
        assertOpenFails(TestFiles.bytes(f("utf.safetensors"), b.array()), "utf.safetensors", "not valid JSON");
    }

    @Test
    void duplicateTensorName() {
        String h = "{" + tensor("x", "F32", "[1]", 0, 4) + "," + tensor("x", "F32", "[1]", 4, 8) + "}";
        assertOpenFails(raw(f("dup.safetensors"), h, new byte[8]), "dup.safetensors", "Duplicate", "x");
    }

    @Test
    void unknownDtype() {
        String h = "{" + tensor("w", "F128", "[1]", 0, 16) + "}";
        assertOpenFails(raw(f("dt.safetensors"), h, new byte[16]), "dt.safetensors", "'w'", "unknown dtype 'F128'", "BF16");
    }

    @Test
    void malformedEntries() {
        assertOpenFails(raw(f("e1.safetensors"), "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "'w'", "dtype");
        assertOpenFails(raw(f("e2.safetensors"), "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]), "'w'", "shape");
        assertOpenFails(raw(f("e3.safetensors"), "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]),
                "'w'", "data_offsets");
        assertOpenFails(raw(f("e4.safetensors"), "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]),
                "'w'", "non-integer");
        assertOpenFails(raw(f("e5.safetensors"), "{\"w\":[1,2]}", new byte[0]), "'w'", "object");
        assertOpenFails(raw(f("e6.safetensors"), "{" + tensor("w", "F32", "[1]", 4, 0) + "}", new byte[4]), "'w'", "end before");
        assertOpenFails(raw(f("e7.safetensors"), "{" + tensor("w", "F32", "[1]", -4, 0) + "}", new byte[4]), "'w'", "-4");
        assertOpenFails(raw(f("e8.safetensors"), "{" + tensor("w", "F32", "[4294967296]", 0, 4) + "}", new byte[4]),
                "'w'", "4294967296");
        assertOpenFails(raw(f("e9.safetensors"), "{" + tensor("w", "F32", "[2147483647,2147483647,2147483647]", 0, 4)
                + "}", new byte[4]), "'w'", "overflows");
        assertOpenFails(raw(f("e10.safetensors"), "{" + tensor("w", "F4", "[3]", 0, 1) + "}", new byte[1]), "'w'", "whole bytes");
    }

    @Test
    void badMetadata() {
        assertOpenFails(raw(f("m1.safetensors"), "{\"__metadata__\":{\"step\":3}," + ONE_F32.substring(1), new byte[4]),
                "m1.safetensors", "__metadata__", "'step'", "string");
        assertOpenFails(raw(f("m2.safetensors"), "{\"__metadata__\":\"pt\"," + ONE_F32.substring(1), new byte[4]),
                "m2.safetensors", "__metadata__");
    }

    @Test
    void offsetsPastEndOfTruncatedFile() throws IOException {
        Path good = f("model.safetensors");
        new SafeTensorsWriter().putFloat("a", Tensor.zeros(16)).putFloat("b", Tensor.zeros(1024)).write(good);
        byte[] all = Files.readAllBytes(good);
        Path cut = TestFiles.bytes(f("model.safetensors"), Arrays.copyOf(all, all.length - 100));
        assertOpenFails(cut, "model.safetensors: tensor 'b' claims bytes 64..4160 but the data section holds 4060 bytes",
                "truncated");
    }

    @Test
    void offsetsInconsistentWithShape() {
        String h = "{" + tensor("w", "F32", "[2,3]", 0, 20) + "}";
        assertOpenFails(raw(f("shape.safetensors"), h, new byte[20]), "shape.safetensors", "'w'", "24 bytes", "20 bytes");
    }

    @Test
    void negativeShape() {
        String h = "{" + tensor("w", "F32", "[2,-3]", 0, 24) + "}";
        assertOpenFails(raw(f("neg.safetensors"), h, new byte[24]), "neg.safetensors", "'w'", "negative dimension -3");
    }

    @Test
    void overlappingTensors() {
        String h = "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) + "}";
        assertOpenFails(raw(f("ov.safetensors"), h, new byte[12]), "ov.safetensors", "'a'", "'b'", "overlap");
    }

    @Test
    void holesAndTrailingBytes() {
        String gap = "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[1]", 8, 12) + "}";
        assertOpenFails(raw(f("gap.safetensors"), gap, new byte[12]), "gap.safetensors", "4 unused bytes", "'b'");
        assertOpenFails(raw(f("tail.safetensors"), ONE_F32, new byte[6]), "tail.safetensors", "2 trailing bytes");
    }
}
