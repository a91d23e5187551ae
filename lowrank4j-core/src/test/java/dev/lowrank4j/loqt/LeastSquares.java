package dev.lowrank4j.loqt;

import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

/** L = ½·Σ(x·Wᵀ − y)² / N on fixed random data: a loss whose gradient reaches every part of a layer. */
final class LeastSquares {
    final Tensor x, y;
    final int n;

    LeastSquares(int n, int in, int out, long seed) {
        this.n = n;
        Rng rng = new Rng(seed);
        x = new Tensor(gaussian(rng, n * in, 1), n, in);
        y = new Tensor(gaussian(rng, n * out, 1), n, out);
    }

    static float[] gaussian(Rng rng, int size, double scale) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) (rng.nextGaussian() * scale);
        return a;
    }

    double loss(LinearLayer layer) {
        float[] p = layer.forward(x).data;
        double l = 0;
        for (int i = 0; i < p.length; i++) l += 0.5 * (p[i] - y.data[i]) * (p[i] - y.data[i]);
        return l / n;
    }

    /** The captured float W's gradient of a layer in an update, recomputed from zero. */
    float[] backwardGradient(LoqtLinear layer) {
        layer.capturedWeight().zeroGrad();
        backward(layer);
        return layer.capturedWeight().grad().data.clone();
    }

    /** Loss, with the gradients of every trainable parameter accumulated (zero them first); returns dx. */
    Tensor backward(LinearLayer layer) {
        float[] p = layer.forward(x).data;
        Tensor dy = Tensor.zeros(n, y.dim(1));
        for (int i = 0; i < p.length; i++) dy.data[i] = (p[i] - y.data[i]) / n;
        return layer.backward(dy);
    }
}
