package dev.lowrank4j.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** fold must be the exact adjoint of unfold: ⟨unfold(x), c⟩ = ⟨x, fold(c)⟩ for every x and c. */
class Im2colTest {
    /** fold sums up to k² float32 values per pixel; the rest of the comparison is in double. */
    private static final double ADJOINT_TOLERANCE = 1e-5;

    @ParameterizedTest(name = "C={0} {1}x{2} k={3} stride={4} pad={5}")
    @CsvSource({"1, 5, 5, 5, 1, 0", "3, 9, 8, 3, 2, 1", "2, 7, 5, 3, 3, 2", "2, 4, 6, 1, 1, 0", "1, 3, 3, 3, 1, 2"})
    void foldIsTheAdjointOfUnfold(int c, int h, int w, int k, int stride, int padding) {
        SplittableRandom rng = new SplittableRandom(c * 100L + h);
        Im2col im2col = new Im2col(c, k, stride, padding);
        int batch = 2, rows = batch * im2col.outSize(h) * im2col.outSize(w);
        float[] x = GradCheck.randomArray(rng, batch * c * h * w, 1);
        float[] cols = new float[rows * im2col.patchSize()];
        java.util.Arrays.fill(cols, Float.NaN); // unfold must write every element, padding included
        im2col.unfold(x, batch, h, w, cols);
        float[] probe = GradCheck.randomArray(rng, cols.length, 1);
        float[] folded = new float[x.length];
        java.util.Arrays.fill(folded, Float.NaN); // fold must overwrite, not add onto stale values
        im2col.fold(probe, batch, h, w, folded);
        double left = 0, right = 0;
        for (int i = 0; i < cols.length; i++) left += (double) cols[i] * probe[i];
        for (int i = 0; i < x.length; i++) right += (double) x[i] * folded[i];
        assertEquals(left, right, ADJOINT_TOLERANCE * Math.max(1, Math.abs(left)));
    }
}
