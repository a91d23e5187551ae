package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LrqQuantizerTest {
    /** Sample variance of U against the kaiming-uniform bound²/3, for 12·40 draws: ±20% is > 4 sigma. */
    private static final double VARIANCE_TOLERANCE = 0.2;

    @Test
    void learnableCountsMatchTheSpec() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int[] s : new int[][] {{12, 40, 3}, {40, 12, 12}, {7, 7, 1}}) {
            int out = s[0], in = s[1], rank = s[2];
            Tensor w = QuantizerFixtures.weight(rng, out, in);
            QuantGrid grid = GridInit.MIN_MAX.grid("m", w, 4);
            assertEquals((long) out + rank * (out + in) + out + in, LrqQuantizer.create("m", w, grid, rank, new Rng(1)).learnableCount());
            assertEquals((long) out * in + 2 * out, FlexRoundQuantizer.create("m", w, grid).learnableCount());
        }
        // ALGORITHMS §5(f)'s example, 4096 × 4096 at rank 1024: LRQ 8.40M against FlexRound 16.78M.
        assertEquals(8_400_896L, 4096 + 1024L * (4096 + 4096) + 4096 + 4096);
        assertEquals(16_785_408L, 4096L * 4096 + 2 * 4096);
    }

    @Test
    void namesFollowTheModulePath() {
        Tensor w = QuantizerFixtures.weight(new SplittableRandom(2), 4, 6);
        QuantGrid grid = GridInit.MIN_MAX.grid("w", w, 4);
        String p = "model.layers.0.self_attn.q_proj";
        assertEquals(List.of(p + ".lrq.log_s1", p + ".lrq.L", p + ".lrq.U", p + ".lrq.r", p + ".lrq.c"),
                LrqQuantizer.create(p, w, grid, 2, new Rng(1)).parameters().stream().map(x -> x.name()).toList());
        assertEquals(List.of(p + ".flexround.log_s1", p + ".flexround.s2", p + ".flexround.s3"),
                FlexRoundQuantizer.create(p, w, grid).parameters().stream().map(x -> x.name()).toList());
    }

    @Test
    void initIsLZeroAndKaimingUniformU() {
        int out = 12, in = 40;
        Tensor w = QuantizerFixtures.weight(new SplittableRandom(3), out, in);
        LrqQuantizer q = LrqQuantizer.create("m", w, GridInit.MIN_MAX.grid("m", w, 4), out, new Rng(9));
        for (float v : q.lower().data()) assertEquals(0f, v);
        for (float v : q.rowTerm().data()) assertEquals(0f, v);
        for (float v : q.columnTerm().data()) assertEquals(0f, v);
        double bound = 1 / Math.sqrt(in), sumSq = 0;
        for (float v : q.upper().data()) {
            assertTrue(Math.abs(v) <= bound, v + " outside ±1/√in");
            sumSq += v * v;
        }
        double variance = sumSq / q.upper().numel(), expected = bound * bound / 3;
        assertEquals(expected, variance, VARIANCE_TOLERANCE * expected);
        LrqQuantizer other = LrqQuantizer.create("m", w, GridInit.MIN_MAX.grid("m", w, 4), out, new Rng(10));
        assertFalse(java.util.Arrays.equals(q.upper().data(), other.upper().data()), "U follows the generator");
        // U is drawn but L = 0 blanks it: dU is zero until L moves (gradient L·ᵀ dA).
        q.forward();
        q.backward(QuantizerFixtures.weight(new SplittableRandom(4), out, in));
        for (float v : q.upper().grad().data) assertEquals(0f, v);
        assertTrue(java.util.Arrays.stream(toDouble(q.lower().grad().data)).anyMatch(v -> v != 0));
    }

    @Test
    void fullRankLrqRepresentsAnyFlexRoundDivisor() {
        // §5(h)4: with rank = min(out, in), L·U can be any matrix (L = I, U = S2 when out ≤ in;
        // L = S2, U = I otherwise), and r = s3, c = 0 give FlexRound's exponent term for term.
        SplittableRandom rng = new SplittableRandom(5);
        for (int[] s : new int[][] {{6, 10}, {10, 6}, {8, 8}}) {
            int out = s[0], in = s[1], rank = Math.min(out, in);
            Tensor w = QuantizerFixtures.weight(rng, out, in);
            QuantGrid grid = GridInit.LP_SEARCH.grid("m", w, 4);
            FlexRoundQuantizer flex = FlexRoundQuantizer.create("m", w, grid);
            QuantizerFixtures.randomize(flex, rng, 0.4);
            LrqQuantizer lrq = LrqQuantizer.create("m", w, grid, rank, new Rng(1));
            lrq.logS1().set(flex.logS1().value());
            float[] l = lrq.lower().data(), u = lrq.upper().data(), s2 = flex.s2().data();
            java.util.Arrays.fill(u, 0f);
            if (out <= in) {
                for (int i = 0; i < out; i++) l[i * rank + i] = 1f;
                System.arraycopy(s2, 0, u, 0, s2.length);
            } else {
                System.arraycopy(s2, 0, l, 0, s2.length);
                for (int j = 0; j < in; j++) u[j * in + j] = 1f;
            }
            lrq.rowTerm().set(flex.s3().value());
            assertArrayEquals(flex.forward().data, lrq.forward().data, out + "x" + in);
        }
    }

    @Test
    void rankOutsideOneToMinDimensionIsAOneLineError() {
        Tensor w = QuantizerFixtures.weight(new SplittableRandom(6), 5, 9);
        QuantGrid grid = GridInit.MIN_MAX.grid("m", w, 4);
        for (int rank : new int[] {0, -1, 6}) {
            Lowrank4jException e = assertThrows(Lowrank4jException.class,
                    () -> LrqQuantizer.create("layers.1.mlp.up_proj", w, grid, rank, new Rng(1)));
            assertEquals("layers.1.mlp.up_proj: LRQ rank must be between 1 and min(out, in) = 5, got " + rank, e.getMessage());
        }
        assertEquals(5, LrqQuantizer.create("m", w, grid, 5, new Rng(1)).rank());
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
