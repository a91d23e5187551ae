package dev.lowrank4j.fuzz;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fuzz targets' contract can fail: anything but a one-line Lowrank4jException escapes. */
class FuzzInputsTest {
    @Test
    void projectErrorIsAccepted() {
        assertDoesNotThrow(() -> FuzzInputs.expectOnlyProjectErrors(() -> {
            throw new Lowrank4jException("f.safetensors: header length 9 is implausible");
        }));
    }

    @Test
    void anyOtherThrowableEscapes() {
        assertThrows(IllegalArgumentException.class, () -> FuzzInputs.expectOnlyProjectErrors(() -> {
            throw new IllegalArgumentException("bug");
        }));
        assertThrows(OutOfMemoryError.class, () -> FuzzInputs.expectOnlyProjectErrors(() -> {
            throw new OutOfMemoryError("sized by a header");
        }));
    }

    @Test
    void splitAtNulSeparatesJsonFromBinary() {
        byte[][] p = FuzzInputs.splitAtNul(new byte[] {'{', '}', 0, 7, 0, 8});
        assertArrayEquals(new byte[] {'{', '}'}, p[0]);
        assertArrayEquals(new byte[] {7, 0, 8}, p[1]);
        assertArrayEquals(new byte[0], FuzzInputs.splitAtNul(new byte[] {'x'})[1]);
    }
}
