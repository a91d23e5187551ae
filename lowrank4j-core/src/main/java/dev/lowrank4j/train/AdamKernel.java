package dev.lowrank4j.train;

/**
 * The element-wise AdamW update over a range, shared by every Adam-style optimizer so the
 * arithmetic (and its float rounding) is the same everywhere.
 */
final class AdamKernel {
    private AdamKernel() {}

    /**
     * keep = 1 − lr·wd (decoupled decay, applied before the step as torch does);
     * stepSize = lr/(1−β1ᵗ); invSqrtBc2 = 1/√(1−β2ᵗ).
     */
    static void update(float[] w, float[] g, float[] m, float[] v, int from, int to,
                       float keep, float b1, float b2, float stepSize, float invSqrtBc2, float eps) {
        float c1 = 1 - b1, c2 = 1 - b2;
        for (int j = from; j < to; j++) {
            float gj = g[j];
            float mj = b1 * m[j] + c1 * gj;
            float vj = b2 * v[j] + c2 * gj * gj;
            m[j] = mj;
            v[j] = vj;
            float denom = (float) Math.sqrt(vj) * invSqrtBc2 + eps;
            w[j] = w[j] * keep - stepSize * mj / denom;
        }
    }
}
