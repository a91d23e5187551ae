package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Parameter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Which parameters GaLore/Fira project; everything else gets plain (GaLore-style) AdamW. */
public final class ProjectionTargets {
    private ProjectionTargets() {}

    public record Split(List<Parameter> projected, List<Parameter> regular) {}

    /**
     * The reference selection (GaLore/Fira {@code torchrun_main.py}): matrices of linear layers
     * whose name contains "attn" or "mlp", i.e. {@code model.layers.N.self_attn.{q,k,v,o}_proj.weight}
     * and {@code model.layers.N.mlp.{gate,up,down}_proj.weight}. Embeddings, norms and lm_head are regular.
     * Meant for an unadapted model: adapter matrices under those modules would match too.
     * Finding none is an error (a selection that matches nothing is almost always a mistake).
     */
    public static Split llamaLinears(List<Parameter> params) {
        Split s = split(params, p -> p.value().rank() == 2 && (p.name().contains("attn") || p.name().contains("mlp")));
        if (s.projected().isEmpty()) {
            throw new Lowrank4jException("no trainable attention or MLP matrix (name containing 'attn' or 'mlp') to project");
        }
        return s;
    }

    /** Trainable parameters split by {@code project}; frozen ones are left out, shared ones counted once. */
    public static Split split(List<Parameter> params, Predicate<Parameter> project) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> projected = new ArrayList<>(), regular = new ArrayList<>();
        for (Parameter p : params) {
            if (!p.trainable() || !seen.add(p)) continue;
            (project.test(p) ? projected : regular).add(p);
        }
        return new Split(List.copyOf(projected), List.copyOf(regular));
    }
}
