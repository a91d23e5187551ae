package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.AdamWStep;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.ChunkPlan;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * AdamW with torch.optim.AdamW semantics: decoupled weight decay {@code p ← p·(1 − lr·wd)} first,
 * then the bias-corrected Adam step of {@link AdamRule.Form#TORCH}. Weight decay applies to the
 * parameters {@code decayed} selects (by default matrices only: the usual practice of not decaying
 * norms' gains and biases).
 *
 * <p>The parameters are whatever {@code parameters} supplies at each step, trainable ones only;
 * state is created the first time a parameter is stepped and re-created (zeroed) when its size
 * changes. Updates run on the shared pool in fixed chunks, so results do not depend on the thread
 * count.
 */
public final class AdamW implements Optimizer {
    public record Hyper(double beta1, double beta2, double eps, double weightDecay) {
        public static Hyper defaults() {
            return new Hyper(0.9, 0.999, 1e-8, 0.0);
        }
    }

    private static final String M_KEY = "exp_avg.", V_KEY = "exp_avg_sq.", STEP_KEY = "step.";

    private final Supplier<? extends Collection<Parameter>> parameters;
    private final Predicate<Parameter> decayed;
    private final AdamRule rule;
    private final double weightDecay;
    private final Map<Parameter, AdamState> states = new IdentityHashMap<>();
    private long steps;

    /** AdamW over a fixed set of parameters (their shapes may still change), matrices decayed. */
    public AdamW(List<Parameter> parameters, Hyper hyper) {
        this(() -> parameters, hyper, p -> p.value().rank() >= 2);
    }

    public AdamW(Supplier<? extends Collection<Parameter>> parameters, Hyper hyper, Predicate<Parameter> decayed) {
        this.parameters = parameters;
        this.decayed = decayed;
        this.rule = new AdamRule(hyper.beta1(), hyper.beta2(), hyper.eps(), AdamRule.Form.TORCH);
        if (!(hyper.weightDecay() >= 0)) throw new Lowrank4jException("weight decay must be >= 0, got " + hyper.weightDecay());
        this.weightDecay = hyper.weightDecay();
    }

    /** The trainable parameters of this step, each with state of its current size. */
    private List<Parameter> active() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : parameters.get()) {
            if (!p.trainable()) continue;
            out.add(p);
            AdamState s = states.get(p);
            if (s == null || s.size() != p.numel()) states.put(p, new AdamState(p.shape()));
        }
        return out;
    }

    @Override
    public void step(double lr) {
        List<Parameter> ps = active();
        AdamWStep[] scalars = new AdamWStep[ps.size()];
        AdamState[] st = new AdamState[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            st[i] = states.get(ps.get(i));
            scalars[i] = rule.torchStep(st[i], lr, decayed.test(ps.get(i)) ? weightDecay : 0);
        }
        ChunkPlan chunks = new ChunkPlan(ps);
        Parallel.forEach(chunks.size(), c -> {
            int i = chunks.param[c];
            Parameter p = ps.get(i);
            rule.updateInPlace(p.data(), p.grad().data, st[i], chunks.from[c], chunks.to[c] - chunks.from[c], scalars[i]);
        });
        steps++;
    }

    @Override
    public void resetState(Collection<Parameter> which) {
        for (Parameter p : which) {
            AdamState s = states.get(p);
            if (s != null) s.reset();
        }
    }

    @Override
    public long steps() {
        return steps;
    }

    /** exp_avg.NAME, exp_avg_sq.NAME and step.NAME for every trainable parameter (zero before its first step). */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : active()) {
            AdamState s = states.get(p);
            out.put(M_KEY + p.name(), s.m);
            out.put(V_KEY + p.name(), s.v);
            out.put(STEP_KEY + p.name(), StepCounter.encode(s.step));
        }
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> state, long loadedSteps) {
        for (Parameter p : active()) {
            AdamState s = states.get(p);
            copyInto(state, M_KEY + p.name(), s.m);
            copyInto(state, V_KEY + p.name(), s.v);
            Tensor counter = state.get(STEP_KEY + p.name());
            s.step = counter == null ? loadedSteps : StepCounter.decode(counter, STEP_KEY + p.name());
        }
        this.steps = loadedSteps;
    }

    private static void copyInto(Map<String, Tensor> state, String key, Tensor dst) {
        Tensor src = state.get(key);
        if (src == null) throw new Lowrank4jException("optimizer state has no '" + key + "' (checkpoint from another model or method?)");
        if (src.size() != dst.size()) {
            throw new Lowrank4jException("optimizer state '" + key + "' has " + src.size() + " values, expected " + dst.size());
        }
        System.arraycopy(src.data, 0, dst.data, 0, dst.size());
    }

    /** The moments of every parameter stepped so far (step counters are a few bytes and not counted). */
    @Override
    public Collection<? extends Accounted> memory() {
        List<Accounted> out = new ArrayList<>();
        for (Parameter p : active()) out.addAll(states.get(p).tensors());
        return out;
    }
}
