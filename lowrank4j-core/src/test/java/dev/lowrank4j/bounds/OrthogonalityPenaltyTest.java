package dev.lowrank4j.bounds;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OrthogonalityPenaltyTest {
    @Test
    void gradientMatchesCentralFiniteDifferences() {
        int rows = 5, cols = 3;
        double lambda = 0.7;
        Rng rng = new Rng(1);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        Parameter p = new Parameter("w", new Tensor(w.clone(), rows, cols));
        double value = OrthogonalityPenalty.addGradient(p, lambda);
        assertEquals(OrthogonalityPenalty.value(w, rows, cols, lambda), value, 1e-9);
        double h = 1e-3;
        for (int i = 0; i < w.length; i++) {
            float[] plus = w.clone(), minus = w.clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double fd = (OrthogonalityPenalty.value(plus, rows, cols, lambda) - OrthogonalityPenalty.value(minus, rows, cols, lambda))
                    / ((double) plus[i] - minus[i]);
            assertEquals(fd, p.grad().data[i], 1e-2 * Math.max(1, Math.abs(fd)), "entry " + i);
        }
    }

    @Test
    void zeroExactlyForOrthonormalColumnsAndGradientIsAdded() {
        float[] q = {1, 0, 0, 1, 0, 0}; // 3×2 with orthonormal columns
        Parameter p = new Parameter("q", new Tensor(q.clone(), 3, 2));
        p.grad().data[0] = 5f;
        assertEquals(0.0, OrthogonalityPenalty.addGradient(p, 2.0), 0);
        assertEquals(5f, p.grad().data[0]);
        // 2·I (2×2): WᵀW − I = 3I, value λ·(9+9), gradient 4λ·W·3I = 24λ on the diagonal
        Parameter d = new Parameter("d", new Tensor(new float[] {2, 0, 0, 2}, 2, 2));
        assertEquals(18 * 0.5, OrthogonalityPenalty.addGradient(d, 0.5), 1e-12);
        assertEquals(12f, d.grad().data[0], 1e-6);
        assertEquals(0f, d.grad().data[1], 0);
    }
}
