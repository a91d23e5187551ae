package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.AdamWStep;
import dev.lowrank4j.kernels.Ops;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.kernels.VectorOps;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.lowrank4j.nn.ChunkPlan;

/**
 * AdamW with torch.optim.AdamW semantics: decoupled weight decay {@code p ← p·(1 − lr·wd)} first,
 * then the bias-corrected Adam step {@code p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)}.
 * Weight decay applies to the parameters {@code decayed} selects (by default matrices only: the
 * usual practice of not decaying norms' gains).
 */
public final class AdamW implements Optimizer {
    public record Hyper(double beta1, double beta2, double eps, double weightDecay) {
        public static Hyper defaults() {
            return new Hyper(0.9, 0.999, 1e-8, 0.0);
        }
    }

    private final List<Parameter> params;
    private final boolean[] decay;
    private final Hyper h;
    private final List<float[]> m = new ArrayList<>(), v = new ArrayList<>();
    /** Per-parameter step counts: PeriodicLoRA restarts some parameters' moments and bias correction. */
    private final long[] paramSteps;
    private final ChunkPlan chunks;
    private long t;

    public AdamW(List<Parameter> parameters, Hyper hyper) {
        this.params = parameters.stream().filter(Parameter::trainable).toList();
        this.h = hyper;
        this.decay = new boolean[params.size()];
        this.paramSteps = new long[params.size()];
        this.chunks = new ChunkPlan(params);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            decay[i] = p.value().rank() >= 2;
            m.add(new float[p.numel()]);
            v.add(new float[p.numel()]);
        }
    }

    @Override
    public void step(double lr) {
        t++;
        AdamWStep[] scalars = new AdamWStep[params.size()];
        for (int i = 0; i < params.size(); i++) {
            scalars[i] = AdamWStep.torch(lr, h.beta1(), h.beta2(), h.eps(), decay[i] ? h.weightDecay() : 0, ++paramSteps[i]);
        }
        VectorOps ops = Ops.get();
        Parallel.forEach(chunks.size(), c -> {
            int i = chunks.param[c];
            ops.adamW(params.get(i).data(), params.get(i).grad().data, m.get(i), v.get(i), chunks.from[c],
                    chunks.to[c] - chunks.from[c], scalars[i]);
        });
    }

    /**
     * Zeroes the moments and restarts the bias correction of the given parameters (PeriodicLoRA
     * does this for a re-initialised adapter); other parameters keep their state.
     */
    public void resetState(java.util.Collection<Parameter> which) {
        java.util.Set<Parameter> set = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        set.addAll(which);
        for (int i = 0; i < params.size(); i++) {
            if (!set.contains(params.get(i))) continue;
            java.util.Arrays.fill(m.get(i), 0f);
            java.util.Arrays.fill(v.get(i), 0f);
            paramSteps[i] = 0;
        }
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            s.put("exp_avg." + p.name(), new Tensor(m.get(i), p.value().shape()));
            s.put("exp_avg_sq." + p.name(), new Tensor(v.get(i), p.value().shape()));
            // a float holds step counts exactly up to 2^24, far beyond any run here
            s.put("step." + p.name(), new Tensor(new float[] {paramSteps[i]}, 1));
        }
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> state, long steps) {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            copyInto(state, "exp_avg." + p.name(), m.get(i));
            copyInto(state, "exp_avg_sq." + p.name(), v.get(i));
            Tensor st = state.get("step." + p.name());
            paramSteps[i] = st == null ? steps : (long) st.data[0];
        }
        this.t = steps;
    }

    private static void copyInto(Map<String, Tensor> state, String key, float[] dst) {
        Tensor src = state.get(key);
        if (src == null) throw new Lowrank4jException("optimizer state has no '" + key + "' (checkpoint from another model or method?)");
        if (src.size() != dst.length) {
            throw new Lowrank4jException("optimizer state '" + key + "' has " + src.size() + " values, expected " + dst.length);
        }
        System.arraycopy(src.data, 0, dst, 0, dst.length);
    }

    @Override
    public long stateBytes() {
        long n = 0;
        for (float[] a : m) n += a.length;
        for (float[] a : v) n += a.length;
        return 4 * n;
    }
}
