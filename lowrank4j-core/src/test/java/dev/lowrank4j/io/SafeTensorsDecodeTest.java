package dev.lowrank4j.io;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.lowrank4j.io.SafeTensorsDtype.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Element conversions on hand-made files, with values whose bit patterns are known exactly. */
class SafeTensorsDecodeTest {
    @TempDir
    Path tmp;

    private SafeTensorsFile single(SafeTensorsDtype dtype, int count, byte[] data) {
        String header = "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + count + "],\"data_offsets\":[0,"
                + data.length + "]}}";
        return SafeTensors.open(TestFiles.raw(tmp.resolve(dtype + ".safetensors"), header, data));
    }

    @Test
    void halfPrecisionFormatsWidenExactly() {
        // F16: 1.0, -2.0, 65504 (max), smallest subnormal 2^-24, +inf
        try (SafeTensorsFile f = single(F16, 5, TestFiles.le(F16, 0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00))) {
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY}, f.readFloat("t").data);
        }
        // BF16: 1.0, -2.0, 3.140625 (0x4049), largest finite 0x7F7F
        try (SafeTensorsFile f = single(BF16, 4, TestFiles.le(BF16, 0x3F80, 0xC000, 0x4049, 0x7F7F))) {
            assertArrayEquals(new float[] {1f, -2f, 3.140625f, Float.intBitsToFloat(0x7F7F0000)}, f.readFloat("t").data);
        }
        try (SafeTensorsFile f = single(F64, 2, TestFiles.f64(0.1, -1e300))) {
            assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, f.readFloat("t").data);
        }
    }

    @Test
    void integerFormatsSignOrZeroExtend() {
        try (SafeTensorsFile f = single(I32, 3, TestFiles.le(I32, -5, Integer.MAX_VALUE, Integer.MIN_VALUE))) {
            assertArrayEquals(new long[] {-5, Integer.MAX_VALUE, Integer.MIN_VALUE}, f.readLong("t"));
        }
        try (SafeTensorsFile f = single(I16, 2, TestFiles.le(I16, -300, 300))) {
            assertArrayEquals(new long[] {-300, 300}, f.readLong("t"));
        }
        try (SafeTensorsFile f = single(I8, 2, TestFiles.le(I8, -1, 127))) {
            assertArrayEquals(new long[] {-1, 127}, f.readLong("t"));
        }
        try (SafeTensorsFile f = single(U8, 2, TestFiles.le(U8, 255, 7))) {
            assertArrayEquals(new long[] {255, 7}, f.readLong("t"));
        }
        try (SafeTensorsFile f = single(U16, 1, TestFiles.le(U16, 0xFFFF))) {
            assertArrayEquals(new long[] {65535}, f.readLong("t"));
        }
        try (SafeTensorsFile f = single(U32, 1, TestFiles.le(U32, 0xFFFFFFFFL))) {
            assertArrayEquals(new long[] {4294967295L}, f.readLong("t"));
        }
        try (SafeTensorsFile f = single(BOOL, 2, TestFiles.le(BOOL, 1, 0))) {
            assertArrayEquals(new long[] {1, 0}, f.readLong("t"));
        }
    }

    @Test
    void u64BeyondSignedRangeIsReported() {
        try (SafeTensorsFile f = single(U64, 2, TestFiles.le(U64, 1, -1))) {
            Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> f.readLong("t"));
            TestFiles.assertMessage(e, "'t'", "18446744073709551615");
        }
    }

    @Test
    void wrongReaderForDtypeSaysWhichToUse() {
        try (SafeTensorsFile f = single(I64, 1, TestFiles.le(I64, 3))) {
            TestFiles.assertMessage(assertThrows(Lowrank4jException.class, () -> f.readFloat("t")), "I64", "readLong");
        }
        try (SafeTensorsFile f = single(F32, 1, TestFiles.f32(3))) {
            TestFiles.assertMessage(assertThrows(Lowrank4jException.class, () -> f.readLong("t")), "F32", "readFloat");
        }
        // Known but unconvertible types still open; only reading them fails.
        try (SafeTensorsFile f = single(F8_E4M3, 2, new byte[2])) {
            assertEquals(F8_E4M3, f.entry("t").dtype());
            TestFiles.assertMessage(assertThrows(Lowrank4jException.class, () -> f.readFloat("t")), "F8_E4M3");
        }
    }

    @Test
    void missingNameListsClosestNames() {
        Path file = tmp.resolve("names.safetensors");
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (int i = 0; i < 8; i++) w.putFloat("model.layers." + i + ".w", dev.lowrank4j.tensor.Tensor.zeros(1));
        w.putFloat("lm_head.weight", dev.lowrank4j.tensor.Tensor.zeros(1));
        w.write(file);
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertFalse(f.contains("lm_head.bias"));
            assertTrue(f.contains("lm_head.weight"));
            Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> f.readFloat("lm_head.bias"));
            TestFiles.assertMessage(e, "names.safetensors", "'lm_head.bias'", "'lm_head.weight'", "(9)", "more");
            assertThrows(Lowrank4jException.class, () -> f.entry("nope"));
        }
    }

    @Test
    void readingAfterCloseIsAnError() {
        SafeTensorsFile f = single(F32, 1, TestFiles.f32(1));
        f.close();
        assertThrows(IllegalStateException.class, () -> f.readFloat("t"));
    }
}
