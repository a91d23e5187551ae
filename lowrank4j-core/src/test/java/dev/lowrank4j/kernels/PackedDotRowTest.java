package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lowrank4j.quant.CodeLanes;
import dev.lowrank4j.quant.QuantizedTensor;
import dev.lowrank4j.quant.intq.IntTensor;
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
    /**
     * [out, in]: aligned to 32 (the 60M model's 512 and 1376), odd, shorter than a step, crossing
     * groups, rows that start mid-step (the 350M model's 2736 = 85.5 steps of 32) and rows of odd
     * length, every other one starting on a low nibble (the 1B model's 5461).
     */
    private static final int[][] WEIGHTS = {{3, 512}, {4, 1376}, {5, 96}, {3, 33}, {2, 7}, {6, 100}, {2, 2080}, {5, 2736}, {3, 6}, {4, 5461}};

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

    /**
     * The split-input row dot (decode's one-token product where the format takes it) against the
     * row unpacked and dotted in double: equal to within float rounding of Σ|w·x|. The 4-bit
     * shapes that can must take it wherever the fused decoders run, so a lost fast path fails here.
     */
    @ParameterizedTest(name = "{0} W=[{1}, {2}]")
    @MethodSource("cases")
    void splitInputDotAgreesWithUnpackThenDot(QuantizedGemmTest.Format f, int out, int in) {
        QuantizedTensor w = QuantizedGemmTest.weight(f, out, in);
        int step = 2 * CodeLanes.LANES;
        boolean takesIt = switch (f) {
            case NF4, NF4_BS32_DOUBLE, INT4_ROW -> true; // any row: its ends go element by element
            case INT4_GROUP32 -> in <= 32 || in % step == 0 && 32 % step == 0; // one group per row, or whole steps
            default -> false;
        };
        assertEquals(CodeLanes.FUSED_DOT && takesIt, w.splitsInput(), f + " [" + out + ", " + in + "]");
        if (!w.splitsInput()) return;
        float[] x = QuantizedGemmTest.random(in + 11L, in + 3), row = new float[in], split = new float[in];
        PackedMatrix.splitInput(x, 3, in, split);
        for (int r = 0; r < out; r++) {
            w.unpackRow(r, 0, in, row, 0);
            double exact = 0, magnitude = 0;
            for (int p = 0; p < in; p++) {
                exact += (double) row[p] * x[3 + p];
                magnitude += Math.abs((double) row[p] * x[3 + p]);
            }
            float actual = w.dotRowSplit(r, split);
            assertEquals(exact, actual, 1e-6 * magnitude + 1e-30, f + " row " + r);
            assertEquals(w.dotRow(r, x, 3, new float[in]), actual, 2e-6 * magnitude, f + " row " + r + " against dotRow");
            if (w instanceof IntTensor t) { // both ways of the INT formats, whichever this machine takes
                for (boolean convert : new boolean[] {false, true}) {
                    assertEquals(exact, t.dotRowSplit(r, split, convert), 1e-6 * magnitude + 1e-30, f + " row " + r + " convert " + convert);
                }
            }
        }
    }
}
