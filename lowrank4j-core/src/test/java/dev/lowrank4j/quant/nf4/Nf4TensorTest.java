package dev.lowrank4j.quant.nf4;

import static dev.lowrank4j.quant.nf4.Nf4Fixture.assertBitwise;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

class Nf4TensorTest {
    /** Float rounding on top of the half-gap bound: x·(1/absmax) and code·absmax each round once. */
    private static final float ROUNDING_ULPS = 4;

    /** Shapes with partial blocks, odd counts, a single element, empty rows and a single block size's worth. */
    static Stream<Arguments> shapesAndOptions() {
        int[][] shapes = {{1}, {1, 1}, {7, 45}, {3, 70}, {5, 13}, {0, 5}, {2, 0}, {64}, {33, 129}, {4, 1000}, {2, 3, 11}};
        Stream.Builder<Arguments> out = Stream.builder();
        for (int[] s : shapes) {
            for (int bs : new int[] {32, 64, 4096}) {
                out.add(Arguments.of(s, new Nf4Options(bs, false)));
                out.add(Arguments.of(s, new Nf4Options(bs, true)));
            }
        }
        return out.build();
    }

    static float[] gaussian(long seed, int n, float sd) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian() * sd;
        return x;
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    @ParameterizedTest
    @MethodSource("shapesAndOptions")
    void roundTripErrorIsWithinHalfTheLargestGapOfEachBlock(int[] shape, Nf4Options o) {
        float[] x = gaussian(Arrays.hashCode(shape) + o.blocksize(), numel(shape), 0.02f);
        Nf4Tensor q = Nf4Tensor.quantize(x, shape, o);
        float[] deq = q.dequantize();
        float[] trueAbsmax = Blockwise.absmax(x, o.blocksize());
        float halfGap = Nf4Code.maxGap() / 2;
        for (int i = 0; i < x.length; i++) {
            int b = i / o.blocksize();
            float a = trueAbsmax[b];
            // With double quantization the code is still chosen with the true absmax; only its storage rounds.
            float stored = q.scales().scale(b);
            double bound = halfGap * a + Math.abs(a - stored) + ROUNDING_ULPS * Math.ulp(a);
            assertTrue(Math.abs(x[i] - deq[i]) <= bound,
                    "element " + i + ": " + x[i] + " -> " + deq[i] + ", bound " + bound);
        }
        assertArrayEquals(shape, q.shape());
        assertEquals(x.length, q.numel());
    }

    @ParameterizedTest
    @MethodSource("shapesAndOptions")
    void zeroAndPlusMinusAbsmaxAreExact(int[] shape, Nf4Options plain) {
        Nf4Options o = new Nf4Options(plain.blocksize(), false);
        int n = numel(shape);
        float[] x = gaussian(n, n, 1f);
        // Per block: its first element is ±(largest magnitude), its second 0.
        for (int start = 0; start < n; start += o.blocksize()) {
            int end = Math.min(n, start + o.blocksize());
            float m = 0;
            for (int i = start; i < end; i++) m = Math.max(m, Math.abs(x[i]));
            x[start] = (start / o.blocksize()) % 2 == 0 ? m : -m;
            if (start + 1 < end) x[start + 1] = 0f;
        }
        float[] deq = Nf4Tensor.quantize(x, shape, o).dequantize();
        for (int start = 0; start < n; start += o.blocksize()) {
            assertEquals(x[start], deq[start], 0f, "±absmax at " + start);
            if (start + 1 < Math.min(n, start + o.blocksize())) assertEquals(0f, deq[start + 1], 0f, "zero at " + (start + 1));
        }
    }

    @Test
    void firstElementIsTheHighNibbleAndAnOddCountPadsWithTheZeroCode() {
        Nf4Tensor q = Nf4Tensor.quantize(new float[] {1f, -1f, 0f}, new int[] {3}, Nf4Options.DEFAULT);
        assertArrayEquals(new byte[] {(byte) 0xF0, (byte) 0x77}, q.codes());
        assertEquals(15, q.codeIndex(0));
        assertEquals(0, q.codeIndex(1));
        assertEquals(7, q.codeIndex(2));
    }

    @Test
    void allZeroBlocksDequantizeToZero() {
        float[] x = new float[100]; // one full block and a partial one, both zero
        Nf4Tensor q = Nf4Tensor.quantize(x, new int[] {100}, Nf4Options.DEFAULT);
        assertBitwise(new float[100], q.dequantize(), "zeros");
        assertEquals(0f, q.scales().scale(0), 0f);                 // full block: unclamped
        assertEquals(Blockwise.MIN_ABSMAX, q.scales().scale(1), 0f); // partial block: clamped
    }

    @ParameterizedTest
    @MethodSource("shapesAndOptions")
    void unpackedRowPiecesAreBitIdenticalToDequantizationOnBothPaths(int[] shape, Nf4Options o) {
        int n = numel(shape);
        Nf4Tensor q = Nf4Tensor.quantize(gaussian(n + 5, n, 1f), shape, o);
        float[] full = q.dequantize();
        Random r = new Random(n);
        for (int trial = 0; trial < 40 && q.rows() > 0 && q.cols() > 0; trial++) {
            int row = r.nextInt(q.rows()), col = r.nextInt(q.cols()), len = r.nextInt(q.cols() - col + 1);
            float[] piece = new float[len + 3];
            q.unpackRow(row, col, len, piece, 3);
            float[] expected = Arrays.copyOfRange(full, row * q.cols() + col, row * q.cols() + col + len);
            assertBitwise(expected, Arrays.copyOfRange(piece, 3, len + 3), "row " + row + " cols " + col + "+" + len);
        }
        for (boolean vector : new boolean[] {false, true}) {
            float[] flat = new float[n];
            q.unpackFlat(0, n, flat, 0, vector);
            assertBitwise(full, flat, "vector=" + vector);
        }
    }

    @Test
    void nanAndInfinityAreRejectedWithOneLine() {
        float[] x = new float[70];
        x[65] = Float.NaN;
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> Nf4Tensor.quantize("layers.0.q_proj.weight", new Tensor(x, 7, 10), Nf4Options.DEFAULT));
        assertTrue(e.getMessage().contains("layers.0.q_proj.weight") && e.getMessage().contains("element 65"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        x[65] = Float.NEGATIVE_INFINITY;
        assertThrows(Lowrank4jException.class, () -> Nf4Tensor.quantize(x, new int[] {70}, Nf4Options.DEFAULT));
    }

    @Test
    void unsupportedBlocksizeIsAOneLineError() {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> new Nf4Options(48, false));
        assertTrue(e.getMessage().contains("48"), e.getMessage());
    }

    @Test
    void bytesCountCodesAndScales() {
        float[] x = gaussian(1, 64 * 64, 1f);
        assertEquals(2048 + 64 * 4, Nf4Tensor.quantize(x, new int[] {64, 64}, Nf4Options.DEFAULT).bytes());
        // double quantization: one byte per block, one float per 256 blocks, the offset
        assertEquals(2048 + 64 + 4 + 4, Nf4Tensor.quantize(x, new int[] {64, 64}, new Nf4Options(64, true)).bytes());
    }

    @Test
    void doubleQuantizedAbsmaxIsWithinHalfTheDynamicMapGap() {
        float[] absmax = new float[700]; // three nested blocks, the last partial
        Random r = new Random(3);
        for (int i = 0; i < absmax.length; i++) absmax[i] = 0.01f + r.nextFloat() * 0.05f;
        float offset = Nf4Quantizer.mean(absmax);
        Nf4Scales.DoubleQuantized dq = Nf4Quantizer.doubleQuantize(absmax, offset, DynamicMap.VALUES);
        float halfGap = new SortedCode(DynamicMap.VALUES).maxGap() / 2;
        for (int i = 0; i < absmax.length; i++) {
            float second = dq.nestedAbsmax()[i / Nf4Options.NESTED_BLOCKSIZE];
            double bound = halfGap * second + ROUNDING_ULPS * Math.ulp(absmax[i]);
            assertTrue(Math.abs(absmax[i] - dq.scale(i)) <= bound, i + ": " + absmax[i] + " vs " + dq.scale(i));
        }
        assertEquals(3, dq.nestedAbsmax().length);
    }

    @Test
    void requantizeKeepsShapeAndOptions() {
        Nf4Tensor q = Nf4Tensor.quantize(gaussian(2, 300, 1f), new int[] {3, 100}, new Nf4Options(128, true));
        Nf4Tensor again = q.requantize(gaussian(3, 300, 2f));
        assertArrayEquals(new int[] {3, 100}, again.shape());
        assertEquals(q.options(), again.options());
        assertEquals("nf4", again.format());
    }
}
