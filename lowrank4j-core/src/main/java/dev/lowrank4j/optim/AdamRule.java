package dev.lowrank4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam as GaLore's own AdamW computes it (galore_torch/adamw.py; ALGORITHMS §0.2): eps added to
 * the un-corrected √v, the bias corrections folded into the step size
 * lr·√(1−β2ᵗ)/(1−β1ᵗ), direction N = m/(√v+eps). Fira's paper form instead wants the
 * bias-corrected direction m̂/(√v̂+eps) with step size lr; {@code biasCorrectedDirection} selects it.
 * (train.AdamW puts eps after the correction, torch-style, so the two differ slightly.)
 */
final class AdamRule implements ProjectedRule {
    private final float beta1, beta2, eps;
    private final double beta1d, beta2d;
    private final boolean biasCorrectedDirection;
    private final float[] m, v;

    AdamRule(int size, double beta1, double beta2, double eps, boolean biasCorrectedDirection) {
        this.beta1d = beta1;
        this.beta2d = beta2;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.biasCorrectedDirection = biasCorrectedDirection;
        this.m = new float[size];
        this.v = new float[size];
    }

    static ProjectedRule.Factory factory(double beta1, double beta2, double eps, boolean biasCorrectedDirection) {
        return size -> new AdamRule(size, beta1, beta2, eps, biasCorrectedDirection);
    }

    @Override
    public double direction(float[] g, float[] out, long step, double lr) {
        float c1 = (float) (1 - beta1d), c2 = (float) (1 - beta2d); // as torch's alpha=(1.0 - beta)
        double bc1 = 1 - Math.pow(beta1d, step), bc2 = 1 - Math.pow(beta2d, step);
        for (int i = 0; i < g.length; i++) {
            float gi = g[i];
            m[i] = beta1 * m[i] + c1 * gi;
            v[i] = beta2 * v[i] + c2 * gi * gi;
        }
        if (biasCorrectedDirection) {
            float inv1 = (float) (1 / bc1), inv2 = (float) (1 / bc2);
            for (int i = 0; i < g.length; i++) {
                out[i] = m[i] * inv1 / ((float) Math.sqrt(v[i] * inv2) + eps);
            }
            return lr;
        }
        for (int i = 0; i < g.length; i++) out[i] = m[i] / ((float) Math.sqrt(v[i]) + eps);
        return lr * Math.sqrt(bc2) / bc1;
    }

    @Override
    public Map<String, float[]> buffers() {
        Map<String, float[]> b = new LinkedHashMap<>();
        b.put("exp_avg", m);
        b.put("exp_avg_sq", v);
        return b;
    }
}
