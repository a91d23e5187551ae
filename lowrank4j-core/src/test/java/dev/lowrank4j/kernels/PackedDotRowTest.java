package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lowrank4j.quant.QuantizedTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The formats' fused row dot products (a decode step's one-token product, decoded in registers)
 * against unpacking the row and taking the float dot product: the same bits, for every format,
 * for rows aligned to the vector steps and not (those take the unpacking path), with tails.
 */
class PackedDotRowTest {
    /** [out, in]: aligned to 32 (the 60M model's 512 and 1376), odd, shorter than a step, crossing groups. */
    private static final int[][] WEIGHTS = {{3, 512}, {4, 1376}, {5, 96}, {3, 33}, {2, 7}, {6, 100}, {2, 2080}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (QuantizedGemmTest.Format f : QuantizedGemmTest.Format.values()) {
            for (int[] w : WEIGHTS) out.add(Arguments.of(f, w[0], w[1]));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} W=[{1}, {2}]")
    @MethodSource("cases")
    void fusedDotEqualsUnpackThenDot(QuantizedGemmTest.Format f, int out, int in) {
        QuantizedTensor w = QuantizedGemmTest.weight(f, out, in);
        float[] x = QuantizedGemmTest.random(in + 7L, in + 3), row = new float[in];
        for (int r = 0; r < out; r++) {
            w.unpackRow(r, 0, in, row, 0);
            float expected = DirectGemm.dot(row, 0, x, 3, in);
            float actual = w.dotRow(r, x, 3, new float[in]);
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual), f + " row " + r + ": " + expected + " vs " + actual);
        }
    }
}
