package dev.lowrank4j.train;

import dev.lowrank4j.nn.Parameter;

import java.util.List;

/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_ semantics, L2 norm). */
public final class GradientClipper {
    private GradientClipper() {}

    /** The global L2 norm of all trainable gradients (accumulated in double). */
    public static double globalNorm(List<Parameter> params) {
        double s = 0;
        for (Parameter p : params) {
            if (p.grad() == null) continue;
            for (float g : p.grad().data) s += (double) g * g;
        }
        return Math.sqrt(s);
    }

    /** Scales every gradient by min(1, maxNorm/(norm+1e-6)); returns the norm before clipping. */
    public static double clip(List<Parameter> params, double maxNorm) {
        double norm = globalNorm(params);
        if (maxNorm > 0 && norm > maxNorm) scale(params, (float) (maxNorm / (norm + 1e-6)));
        return norm;
    }

    public static void scale(List<Parameter> params, float factor) {
        for (Parameter p : params) {
            if (p.grad() == null) continue;
            float[] g = p.grad().data;
            for (int i = 0; i < g.length; i++) g[i] *= factor;
        }
    }
}
