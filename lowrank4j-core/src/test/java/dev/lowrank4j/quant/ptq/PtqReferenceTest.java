package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against ptq-reference/quantizers.safetensors, produced by the authors' own
 * {@code UniformAffineQuantizer} (scripts/reference/ptq_quantizers.py; FlexRound_LRQ at the commit
 * in the file's metadata, torch float32 on CPU).
 */
class PtqReferenceTest {
    /**
     * A searched grid may keep a different candidate than the authors' only on a near tie: torch
     * reduces the row's mean in another order, so scores within a few float ulps can compare either
     * way. The two candidates' scores must then agree this closely (relative).
     */
    private static final double SEARCH_TIE_TOLERANCE = 1e-5;
    /** Rows allowed to differ on such a tie, of the fixture's 12 + 6 + 5. */
    private static final int MAX_TIED_ROWS_PER_GRID = 1;
    /** Ŵ = q·exp(log s1) elementwise, in ulps: Java's and torch's exp and log may each be one ulp apart, and q·s1 rounds once more. */
    private static final int WHAT_ULPS = 4;
    /** W ⊘ S relative: the exponent passes through exp and a sum in another order. */
    private static final double RATIO_TOLERANCE = 1e-5;
    /** Gradients, relative to the largest |reference| entry of the tensor: float sums in other orders. */
    private static final double GRAD_TOLERANCE = 1e-5;

    private static SafeTensorsFile ref;

    @BeforeAll
    static void open() throws URISyntaxException {
        ref = SafeTensors.open(Path.of(PtqReferenceTest.class.getResource("/ptq-reference/quantizers.safetensors").toURI()));
        assertEquals("59d4665145e340c0dd69627467799c53009f0833", ref.metadata().get("authors_commit"));
    }

    @AfterAll
    static void close() {
        ref.close();
    }

    private static QuantGrid refGrid(String prefix, int bits) {
        float[] z = ref.readFloat(prefix + ".zero_point").data;
        int[] zeros = new int[z.length];
        for (int i = 0; i < z.length; i++) zeros[i] = (int) z[i];
        return new QuantGrid(bits, ref.readFloat(prefix + ".scale").data, zeros);
    }

    @Test
    void lpSearchPicksTheAuthorsGrids() {
        for (int bits : new int[] {2, 3, 4, 8}) assertSearchMatches("mixed", "mixed.lp" + bits, bits);
        assertSearchMatches("positive", "positive.lp4", 4); // one-signed matrix: the 1-D search
        assertSearchMatches("negative", "negative.lp3", 3);
    }

    private static void assertSearchMatches(String matrix, String prefix, int bits) {
        Tensor w = ref.readFloat(matrix + ".w");
        QuantGrid expected = refGrid(prefix, bits), got = LpGridSearch.search(prefix, w, bits);
        int in = w.dim(1), tied = 0;
        for (int i = 0; i < w.dim(0); i++) {
            if (expected.scales()[i] == got.scales()[i] && expected.zeroPoints()[i] == got.zeroPoints()[i]) continue;
            float mine = LpGridSearch.lpError(w.data, i * in, in, got.scales()[i], got.zeroPoints()[i], bits);
            float theirs = LpGridSearch.lpError(w.data, i * in, in, expected.scales()[i], expected.zeroPoints()[i], bits);
            assertEquals(theirs, mine, SEARCH_TIE_TOLERANCE * theirs, prefix + " row " + i + ": not a tie");
            tied++;
        }
        assertTrue(tied <= MAX_TIED_ROWS_PER_GRID, prefix + ": " + tied + " rows differ");
    }

    @Test
    void minMaxGridIsTheAuthorsWithoutClipping() {
        QuantGrid expected = refGrid("mixed.minmax4", 4), got = QuantGrid.minMax("w", ref.readFloat("mixed.w"), 4);
        assertArrayEquals(expected.scales(), got.scales());
        assertArrayEquals(expected.zeroPoints(), got.zeroPoints());
        assertEquals(QuantGrid.MIN_SCALE, got.scales()[3]); // the all-zero row
    }

    @Test
    void roundToNearestMatchesBitForBit() {
        Tensor w = ref.readFloat("mixed.w");
        Tensor got = RoundToNearest.quantize("w", w, refGrid("mixed.lp4", 4)).dequantize();
        assertArrayEquals(ref.readFloat("mixed.lp4.rtn").data, got.data);
    }

    @Test
    void flexRoundAtInitMatches() {
        FlexRoundQuantizer q = FlexRoundQuantizer.create("m", ref.readFloat("mixed.w"), refGrid("mixed.lp4", 4));
        assertWithinUlps(ref.readFloat("flexround.init.what").data, q.forward().data, "init Ŵ");
    }

    @Test
    void flexRoundForwardAndGradientsMatch() {
        FlexRoundQuantizer q = FlexRoundQuantizer.create("m", ref.readFloat("mixed.w"), refGrid("mixed.lp4", 4));
        checkAgainstReference(q, "flexround", new String[] {"log_s1", "s2", "s3"});
    }

    @Test
    void lrqForwardAndGradientsMatch() {
        LrqQuantizer q = LrqQuantizer.create("m", ref.readFloat("mixed.w"), refGrid("mixed.lp4", 4), 3, new Rng(1));
        checkAgainstReference(q, "lrq", new String[] {"log_s1", "L", "U", "r", "c"});
    }

    /** Sets the reference's learnable values (listed in {@code parameters()} order), then compares. */
    private static void checkAgainstReference(LearnableQuantizer q, String prefix, String[] names) {
        for (int p = 0; p < names.length; p++) q.parameters().get(p).set(ref.readFloat(prefix + "." + names[p]));
        Tensor what = q.forward();
        assertWithinUlps(ref.readFloat(prefix + ".what").data, what.data, prefix + " Ŵ");
        float[] expectedRatio = ref.readFloat(prefix + ".ratio").data, ratio = q.ratios();
        for (int k = 0; k < ratio.length; k++) {
            assertEquals(expectedRatio[k], ratio[k], RATIO_TOLERANCE * Math.abs(expectedRatio[k]), prefix + " W/S " + k);
        }
        q.backward(ref.readFloat("grad_out"));
        for (int p = 0; p < names.length; p++) {
            Parameter param = q.parameters().get(p);
            assertClose(ref.readFloat(prefix + ".grad." + names[p]).data, param.grad().data, prefix + " d" + names[p]);
        }
    }

    private static void assertWithinUlps(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], WHAT_ULPS * Math.ulp(expected[k]), what + " element " + k);
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        float scale = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0, what + ": reference gradient is all zero");
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], GRAD_TOLERANCE * scale, what + " element " + k);
        }
    }
}
