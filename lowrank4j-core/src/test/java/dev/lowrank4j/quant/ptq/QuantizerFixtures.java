package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

import java.util.SplittableRandom;

/** Random weights and learnable values shared by the quantizer tests. */
final class QuantizerFixtures {
    /** LLaMA-like init scale: rows of a few hundredths, so 4-bit steps are ~0.01. */
    static final double WEIGHT_SCALE = 0.05;

    private QuantizerFixtures() {}

    static Tensor weight(SplittableRandom rng, int out, int in) {
        return GradCheck.randomTensor(rng, WEIGHT_SCALE, out, in);
    }

    /** Moves every learnable off its start so no gradient is trivially zero (L = 0 would zero dU). */
    static void randomize(LearnableQuantizer q, SplittableRandom rng, double spread) {
        for (Parameter p : q.parameters()) {
            float[] d = p.data();
            for (int k = 0; k < d.length; k++) d[k] += (float) (spread * GradCheck.gaussian(rng));
        }
    }

    /** W/s lies within {@code margin} of a .5 tie, where one ulp of s may flip the rounding. */
    static boolean nearTie(float ratio, double margin) {
        return Math.abs(ratio - Math.floor(ratio) - 0.5) < margin;
    }
}
