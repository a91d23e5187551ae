package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

/**
 * Inverted dropout: keep each element with probability 1−p and scale kept ones by 1/(1−p), so the
 * expected output equals the input and evaluation needs no rescaling. The mask of the last call
 * is kept for the backward pass. The generator is seeded, so a run (and a resumed run that
 * restores {@link #rngState()}) draws the same masks.
 */
final class InvertedDropout {
    private final double p;
    private final float keepScale;
    private final Rng rng;
    private float[] mask;
    private Tensor output;

    InvertedDropout(double p, long seed) {
        this.p = p;
        this.keepScale = (float) (1.0 / (1.0 - p));
        this.rng = new Rng(seed);
    }

    /** x ⊙ mask into a buffer owned by this object (valid until the next call). */
    Tensor apply(Tensor x) {
        int n = x.size();
        mask = Buffers.array(mask, n);
        output = Buffers.matrix(output, x.dim(0), x.dim(1));
        float[] xs = x.data, ys = output.data;
        for (int i = 0; i < n; i++) {
            mask[i] = rng.nextDouble() < p ? 0f : keepScale;
            ys[i] = xs[i] * mask[i];
        }
        return output;
    }

    /** g ← g ⊙ mask of the last {@link #apply}: the chain rule through the same mask. */
    void backwardInPlace(float[] g) {
        for (int i = 0; i < g.length; i++) g[i] *= mask[i];
    }

    long rngState() {
        return rng.state();
    }

    void setRngState(long state) {
        rng.setState(state);
    }

    long activationBytes() {
        return Buffers.bytes(mask) + Buffers.bytes(output);
    }
}
