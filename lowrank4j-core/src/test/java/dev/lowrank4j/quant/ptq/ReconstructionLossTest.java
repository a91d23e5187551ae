package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.nn.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReconstructionLossTest {
    @Test
    void isSquaredErrorSummedOverTokensAndAveragedOverBatchAndFeatures() {
        int b = 2, t = 3, d = 4;
        SplittableRandom rng = new SplittableRandom(1);
        float[] pred = GradCheck.randomArray(rng, b * t * d, 1), target = GradCheck.randomArray(rng, b * t * d, 1);
        // (pred − tgt)².sum(dim=1).mean() on [B, T, D], written out index by index
        double mean = 0;
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < d; k++) {
                double s = 0;
                for (int j = 0; j < t; j++) {
                    double diff = (double) pred[(i * t + j) * d + k] - target[(i * t + j) * d + k];
                    s += diff * diff;
                }
                mean += s / (b * d);
            }
        }
        assertEquals(mean, ReconstructionLoss.lossAndGradient(pred, target, b, d, null), 1e-9);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        int b = 2, t = 3, d = 5;
        SplittableRandom rng = new SplittableRandom(2);
        float[] pred = GradCheck.randomArray(rng, b * t * d, 1), target = GradCheck.randomArray(rng, b * t * d, 1);
        float[] grad = new float[pred.length];
        ReconstructionLoss.lossAndGradient(pred, target, b, d, grad);
        GradCheck.assertMatches("dL/dpred", () -> ReconstructionLoss.lossAndGradient(pred, target, b, d, null), pred, grad, 3);
    }
}
