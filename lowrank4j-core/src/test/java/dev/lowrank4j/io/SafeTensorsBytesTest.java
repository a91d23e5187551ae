package dev.lowrank4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lowrank4j.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** U8 tensors (packed 4-bit weights, quant states) written with putBytes and read raw with readBytes. */
class SafeTensorsBytesTest {
    @TempDir
    Path tmp;

    @Test
    void bytesRoundTripAcrossChunksAndRawBytesOfAnyDtype() {
        byte[] big = new byte[(1 << 20) * 2 + 13]; // crosses the 1 MiB read and write chunks
        new Random(4).nextBytes(big);
        float[] floats = {1.5f, -2f, Float.MIN_VALUE};
        Path file = tmp.resolve("u8.safetensors");
        new SafeTensorsWriter()
                .putBytes("packed", big, big.length, 1)
                .putFloat("f", new Tensor(floats, 3))
                .putBytes("empty", new byte[0], 0)
                .write(file);
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(SafeTensorsDtype.U8, f.entry("packed").dtype());
            assertArrayEquals(new int[] {big.length, 1}, f.entry("packed").shape());
            assertArrayEquals(big, f.readBytes("packed"));
            assertEquals(big[7] & 0xFF, f.readLong("packed")[7]);
            ByteBuffer le = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : floats) le.putFloat(v);
            assertArrayEquals(le.array(), f.readBytes("f"));
            assertEquals(0, f.readBytes("empty").length);
        }
    }

    @Test
    void shapeMustHoldTheBytes() {
        assertThrows(IllegalArgumentException.class, () -> new SafeTensorsWriter().putBytes("x", new byte[3], 2, 2));
    }
}
