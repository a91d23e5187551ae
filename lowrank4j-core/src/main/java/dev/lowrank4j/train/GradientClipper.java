package dev.lowrank4j.train;

import dev.lowrank4j.kernels.Ops;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.Parameter;

import java.util.List;
import dev.lowrank4j.nn.ChunkPlan;

/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_ semantics, L2 norm). */
public final class GradientClipper {
    private GradientClipper() {}

    /** The global L2 norm of all trainable gradients (accumulated in double). */
    public static double globalNorm(List<Parameter> params) {
        List<Parameter> withGrad = params.stream().filter(p -> p.grad() != null).toList();
        ChunkPlan plan = new ChunkPlan(withGrad);
        double[] partial = new double[plan.size()];
        Parallel.forEach(plan.size(), c -> partial[c] = Ops.get().sumOfSquares(
                withGrad.get(plan.param[c]).grad().data, plan.from[c], plan.to[c] - plan.from[c]));
        double s = 0;
        for (double x : partial) s += x; // fixed order: the same bits for any thread count
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
            Ops.get().scale(g, 0, factor, g, 0, g.length);
        }
    }
}
