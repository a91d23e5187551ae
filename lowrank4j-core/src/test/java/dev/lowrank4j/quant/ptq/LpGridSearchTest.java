package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the search beyond the reference fixture (PtqReferenceTest), which holds the
 * authors' grids for mixed and one-signed matrices, including one-signed rows inside a mixed matrix.
 */
class LpGridSearchTest {
    @Test
    void searchedGridBeatsMinMaxOnAnOutlierRow() {
        float[] w = new float[64];
        SplittableRandom rng = new SplittableRandom(4);
        for (int j = 0; j < w.length; j++) w[j] = (float) (0.02 * GradCheck.gaussian(rng));
        w[10] = 0.5f;
        Tensor t = new Tensor(w, 1, 64);
        QuantGrid lp = LpGridSearch.search("w", t, 4), mm = QuantGrid.minMax("w", t, 4);
        assertTrue(lp.scales()[0] < mm.scales()[0], "clipping the outlier shrinks the step");
        assertTrue(LpGridSearch.lpError(w, 0, 64, lp.scales()[0], lp.zeroPoints()[0], 4)
                < LpGridSearch.lpError(w, 0, 64, mm.scales()[0], mm.zeroPoints()[0], 4));
    }

    @Test
    void allZeroMatrixGetsTheScaleFloor() {
        QuantGrid g = LpGridSearch.search("w", Tensor.zeros(2, 5), 4);
        assertEquals(QuantGrid.MIN_SCALE, g.scales()[1]);
        assertEquals(0, g.zeroPoints()[1]);
    }
}
