package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The vector transpose of eight A rows into panel order against the element-by-element copy it replaces. */
class EightRowPanelTransposeTest {
    @ParameterizedTest(name = "kc {0}, lda {1}, offset {2}")
    @CsvSource({"16, 16, 0", "256, 1024, 0", "255, 300, 5", "7, 40, 3", "33, 33, 1", "1, 1, 0"})
    void movesEveryValueWhereTheScalarCopyPutsIt(int kc, int lda, int offset) {
        Random random = new Random(kc * 31L + lda);
        float[] a = new float[offset + 7 * lda + kc + 5];
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() - 0.5f;
        float[] expected = new float[8 * kc + 3], actual = new float[8 * kc + 3];
        for (int p = 0; p < kc; p++) {
            for (int r = 0; r < 8; r++) expected[3 + p * 8 + r] = a[offset + r * lda + p];
        }
        EightRowPanelTranspose.pack(a, offset, lda, kc, actual, 3);
        assertArrayEquals(expected, actual);
    }
}
