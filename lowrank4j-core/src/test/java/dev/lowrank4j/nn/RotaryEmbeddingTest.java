package dev.lowrank4j.nn;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RotaryEmbeddingTest {
    private static final int HEAD_DIM = 10, POSITIONS = 13;
    private static final double THETA = 10000;
    private static final double TOLERANCE = 1e-5;

    @Test
    void matchesRotateHalfFormula() {
        RotaryEmbedding rope = new RotaryEmbedding(HEAD_DIM, THETA);
        rope.ensurePositions(POSITIONS);
        float[] x = GradCheck.randomArray(new SplittableRandom(1), HEAD_DIM, 1);
        float[] out = new float[HEAD_DIM];
        int half = HEAD_DIM / 2;
        for (int p = 0; p < POSITIONS; p++) {
            rope.rotate(x, 0, out, 0, p);
            for (int i = 0; i < half; i++) {
                double angle = p / Math.pow(THETA, 2.0 * i / HEAD_DIM);
                double c = Math.cos(angle), s = Math.sin(angle);
                // q·cos + rotate_half(q)·sin with rotate_half(q) = (−q2, q1)
                assertEquals(x[i] * c - x[half + i] * s, out[i], TOLERANCE);
                assertEquals(x[half + i] * c + x[i] * s, out[half + i], TOLERANCE);
            }
        }
    }

    /** The backward is the adjoint: ⟨R x, y⟩ = ⟨x, Rᵀ y⟩ (that is what a gradient check of a linear map tests). */
    @Test
    void backwardIsTheAdjointAndTheInverse() {
        RotaryEmbedding rope = new RotaryEmbedding(HEAD_DIM, THETA);
        rope.ensurePositions(POSITIONS);
        SplittableRandom rng = new SplittableRandom(2);
        for (int p = 0; p < POSITIONS; p++) {
            float[] x = GradCheck.randomArray(rng, HEAD_DIM, 1), y = GradCheck.randomArray(rng, HEAD_DIM, 1);
            float[] rx = new float[HEAD_DIM], rty = new float[HEAD_DIM], back = new float[HEAD_DIM];
            rope.rotate(x, 0, rx, 0, p);
            rope.rotateBack(y, 0, rty, 0, p);
            rope.rotateBack(rx, 0, back, 0, p);
            double lhs = 0, rhs = 0;
            for (int i = 0; i < HEAD_DIM; i++) {
                lhs += (double) rx[i] * y[i];
                rhs += (double) x[i] * rty[i];
                assertEquals(x[i], back[i], TOLERANCE);
            }
            assertEquals(lhs, rhs, TOLERANCE);
        }
    }

    @Test
    void positionZeroIsIdentity() {
        RotaryEmbedding rope = new RotaryEmbedding(HEAD_DIM, THETA);
        rope.ensurePositions(1);
        float[] x = GradCheck.randomArray(new SplittableRandom(3), HEAD_DIM, 1), out = new float[HEAD_DIM];
        rope.rotate(x, 0, out, 0, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(x, out);
    }

    /**
     * Decoding grows the tables one position per token; they grow by doubling and compute only the
     * new positions, which must give the tables of one call for all positions, bit for bit.
     */
    @Test
    void growingOnePositionAtATimeGivesTheSameRotations() {
        RotaryEmbedding grown = new RotaryEmbedding(HEAD_DIM, THETA), once = new RotaryEmbedding(HEAD_DIM, THETA);
        int positions = 100;
        once.ensurePositions(positions);
        float[] x = GradCheck.randomArray(new SplittableRandom(4), HEAD_DIM, 1);
        float[] a = new float[HEAD_DIM], b = new float[HEAD_DIM];
        for (int p = 0; p < positions; p++) {
            grown.ensurePositions(p + 1);
            grown.rotate(x, 0, a, 0, p);
            once.rotate(x, 0, b, 0, p);
            org.junit.jupiter.api.Assertions.assertArrayEquals(b, a, "position " + p);
        }
        // grown geometrically: at most twice what the positions need
        org.junit.jupiter.api.Assertions.assertTrue(grown.tableBytes() <= 2 * once.tableBytes(), grown.tableBytes() + " bytes");
    }
}
