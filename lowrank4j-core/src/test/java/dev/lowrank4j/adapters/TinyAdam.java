package dev.lowrank4j.adapters;

import dev.lowrank4j.nn.Parameter;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain Adam (bias-corrected, no weight decay) written into the tests so behaviour experiments do
 * not depend on the trainer package, with the one operation PeriodicLoRA needs: resetting a
 * parameter's moments and step count.
 */
public final class TinyAdam {
    private static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

    private final List<Parameter> params;
    private final Map<Parameter, double[]> m = new IdentityHashMap<>(), v = new IdentityHashMap<>();
    private final Map<Parameter, long[]> t = new IdentityHashMap<>();

    public TinyAdam(List<Parameter> params) {
        this.params = List.copyOf(params);
        for (Parameter p : params) reset(p);
    }

    public void reset(Parameter p) {
        m.put(p, new double[p.numel()]);
        v.put(p, new double[p.numel()]);
        t.put(p, new long[1]);
    }

    /** One update from the current gradients, then the gradients are zeroed. */
    public void step(double lr) {
        for (Parameter p : params) {
            long step = ++t.get(p)[0];
            double c1 = 1 - Math.pow(BETA1, step), c2 = 1 - Math.pow(BETA2, step);
            double[] mi = m.get(p), vi = v.get(p);
            float[] w = p.data(), g = p.grad().data;
            for (int i = 0; i < w.length; i++) {
                mi[i] = BETA1 * mi[i] + (1 - BETA1) * g[i];
                vi[i] = BETA2 * vi[i] + (1 - BETA2) * g[i] * g[i];
                w[i] -= (float) (lr * (mi[i] / c1) / (Math.sqrt(vi[i] / c2) + EPS));
            }
            p.zeroGrad();
        }
    }
}
