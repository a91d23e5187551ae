package dev.lowrank4j.quant.intq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IntTensorTest {
    /** Float rounding on top of scale/2: x / scale, and scale·(q − zero), each round once. */
    private static final float ROUNDING_ULPS = 8;

    static Stream<Arguments> shapesAndOptions() {
        int[][] shapes = {{1}, {1, 1}, {7, 45}, {3, 70}, {5, 13}, {0, 5}, {2, 0}, {33, 129}, {4, 1000}, {2, 3, 11}};
        Stream.Builder<Arguments> out = Stream.builder();
        for (int[] s : shapes) {
            for (int bits : new int[] {2, 3, 4, 7, 8}) {
                for (int group : new int[] {16, 100, IntOptions.WHOLE_ROW}) {
                    out.add(Arguments.of(s, new IntOptions(bits, group, true)));
                    out.add(Arguments.of(s, new IntOptions(bits, group, false)));
                }
            }
        }
        return out.build();
    }

    private static float[] values(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        // Skewed so the asymmetric scheme has a real zero point to find.
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian() * 0.3f + 0.2f;
        return x;
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    @ParameterizedTest
    @MethodSource("shapesAndOptions")
    void roundTripErrorIsAtMostHalfAScaleAndZeroIsExact(int[] shape, IntOptions o) {
        int n = numel(shape);
        float[] x = values(Arrays.hashCode(shape) * 31L + o.hashCode(), n);
        for (int i = 0; i < n; i += 7) x[i] = 0f;
        IntTensor q = IntTensor.quantize(x, shape, o);
        float[] deq = q.dequantize();
        for (int i = 0; i < n; i++) {
            int row = i / q.cols(), col = i % q.cols();
            float scale = q.scale(row, col);
            double bound = scale / 2 + ROUNDING_ULPS * Math.ulp(Math.abs(x[i]) + scale);
            assertTrue(Math.abs(x[i] - deq[i]) <= bound, "element " + i + ": " + x[i] + " -> " + deq[i] + " scale " + scale);
            if (x[i] == 0f) assertEquals(0f, deq[i], 0f, "zero at " + i);
            int code = q.code(i);
            assertTrue(code >= 0 && code <= (1 << o.bits()) - 1);
        }
        assertEquals("int" + o.bits(), q.format());
    }

    @ParameterizedTest
    @MethodSource("shapesAndOptions")
    void unpackedRowPiecesAreBitIdenticalOnBothPaths(int[] shape, IntOptions o) {
        int n = numel(shape);
        IntTensor q = IntTensor.quantize(values(n, n), shape, o);
        float[] full = q.dequantize();
        Random r = new Random(n + 1);
        for (int trial = 0; trial < 30 && q.rows() > 0 && q.cols() > 0; trial++) {
            int row = r.nextInt(q.rows()), col = r.nextInt(q.cols()), len = r.nextInt(q.cols() - col + 1);
            for (boolean vector : new boolean[] {false, true}) {
                float[] piece = new float[len + 2];
                q.unpack(row, col, len, piece, 2, vector);
                for (int t = 0; t < len; t++) {
                    assertEquals(Float.floatToRawIntBits(full[row * q.cols() + col + t]), Float.floatToRawIntBits(piece[2 + t]),
                            "row " + row + " col " + (col + t) + " vector=" + vector);
                }
            }
        }
    }

    @Test
    void symmetricInt4UsesCodesOneToFifteenAroundEight() {
        IntTensor q = IntTensor.quantize(new float[] {0.7f, -0.7f, 0f}, new int[] {3}, new IntOptions(4, 64, true));
        // 0.7 = 7·0.1 → 8 + 7 = 15 (high nibble); −0.7 → 1; 0 → 8; odd count pads with 0.
        assertArrayEquals(new byte[] {(byte) 0xF1, (byte) 0x80}, codes(q));
        assertEquals(0.7f, q.dequantize()[0], 1e-7f);
        assertEquals(-0.7f, q.dequantize()[1], 1e-7f);
    }

    @Test
    void wholeRowGroupsGiveOneScalePerOutputChannel() {
        float[] x = {1, 2, 3, 4, 10, 20, 30, 40};
        IntTensor q = IntTensor.quantize(x, new int[] {2, 4}, new IntOptions(8, IntOptions.WHOLE_ROW, false));
        assertEquals(4, q.groupLength());
        assertEquals(4f / 255, q.scale(0, 3), 1e-9f);
        assertEquals(40f / 255, q.scale(1, 0), 1e-8f);
        assertEquals(0, q.zero(1, 2)); // all positive: the range [0, max] puts 0 at code 0
        assertEquals(8 + 2 * 4 + 2, q.bytes()); // 8 one-byte codes, 2 scales, 2 zero points
    }

    @Test
    void nanIsRejectedWithOneLine() {
        float[] x = {1f, Float.POSITIVE_INFINITY};
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> IntTensor.quantize("w", new Tensor(x, 1, 2), new IntOptions(4, 64, false)));
        assertTrue(e.getMessage().contains("element 1"), e.getMessage());
        assertThrows(Lowrank4jException.class, () -> new IntOptions(9, 64, true));
        assertThrows(Lowrank4jException.class, () -> new IntOptions(1, 64, true));
        assertThrows(Lowrank4jException.class, () -> new IntOptions(8, -1, true));
    }

    private static byte[] codes(IntTensor q) {
        byte[] out = new byte[(q.numel() + 1) / 2];
        for (int i = 0; i < q.numel(); i++) out[i >> 1] |= (byte) ((i & 1) == 0 ? q.code(i) << 4 : q.code(i));
        return out;
    }
}
