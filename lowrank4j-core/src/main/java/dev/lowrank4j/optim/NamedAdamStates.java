package dev.lowrank4j.optim;

import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam ({@link AdamRule}, torch form) on arrays named by the caller rather than on parameters:
 * what an integrator needs when the thing it descends is not a parameter (DLRT's K = U·S and
 * L = V·Sᵀ). State for a name is created on first use and re-created, at zero, when the array
 * arrives with another size (a rank change), as {@link AdamW} does for parameters.
 */
public final class NamedAdamStates {
    private static final String M_KEY = "exp_avg.", V_KEY = "exp_avg_sq.", STEP_KEY = "step.";

    private final AdamRule rule;
    private final Map<String, AdamState> states = new LinkedHashMap<>();
    private float[] direction = new float[0];

    public NamedAdamStates(double beta1, double beta2, double eps) {
        this.rule = new AdamRule(beta1, beta2, eps, AdamRule.Form.TORCH);
    }

    /** x ← x − lr·m̂/(√v̂ + ε) with the moments of {@code name} updated by gradient g. */
    public void descend(String name, float[] x, float[] g, double lr) {
        AdamState s = states.get(name);
        if (s == null || s.size() != g.length) {
            s = new AdamState(g.length);
            states.put(name, s);
        }
        if (direction.length < g.length) direction = new float[g.length];
        double step = rule.direction(g, s, direction, lr);
        for (int i = 0; i < g.length; i++) x[i] -= (float) (step * direction[i]);
    }

    /** Drops the state of names no longer in use (layers whose factors were replaced under other names). */
    public void retain(Collection<String> names) {
        states.keySet().retainAll(names);
    }

    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        states.forEach((name, s) -> {
            out.put(M_KEY + name, s.m);
            out.put(V_KEY + name, s.v);
            out.put(STEP_KEY + name, StepCounter.encode(s.step));
        });
        return out;
    }

    /** Replaces every state by the saved one (of the saved size). */
    public void loadState(Map<String, Tensor> saved) {
        states.clear();
        saved.forEach((key, m) -> {
            if (!key.startsWith(M_KEY)) return;
            String name = key.substring(M_KEY.length());
            Tensor v = saved.get(V_KEY + name), step = saved.get(STEP_KEY + name);
            if (v == null || step == null || v.size() != m.size()) {
                throw new dev.lowrank4j.Lowrank4jException("optimizer state for '" + name + "' is incomplete in the checkpoint");
            }
            AdamState s = new AdamState(m.size());
            System.arraycopy(m.data, 0, s.m.data, 0, m.size());
            System.arraycopy(v.data, 0, s.v.data, 0, v.size());
            s.step = StepCounter.decode(step, STEP_KEY + name);
            states.put(name, s);
        });
    }

    public Collection<? extends Accounted> memory() {
        List<Accounted> out = new ArrayList<>();
        for (AdamState s : states.values()) out.addAll(s.tensors());
        return out;
    }
}
