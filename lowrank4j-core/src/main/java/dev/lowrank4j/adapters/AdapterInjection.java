package dev.lowrank4j.adapters;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.lowrank4j.nn.ModuleHost;

/**
 * The part every adapter method shares: pick targets, wrap each {@link Linear} (whatever its weight
 * storage: float32 or a packed grid), put the wrapper in its place, and freeze every other
 * parameter of the model. All wrappers are built
 * before the first replacement, so a failure while building (a bad shape, a rank too large)
 * leaves the model's module tree untouched.
 */
public final class AdapterInjection {
    /** Builds the adapter that will stand at {@code modulePath} in place of {@code base}. */
    @FunctionalInterface
    public interface Factory<T extends LinearLayer> {
        T wrap(String modulePath, Linear base);
    }

    private AdapterInjection() {
    }

    /**
     * Replaces every selected projection and freezes all parameters that were not trainable
     * inside the new adapters. Returns path → adapter in model order.
     */
    public static <T extends LinearLayer> Map<String, T> inject(ModuleHost host, TargetModules targets, Factory<T> factory) {
        Map<String, LinearLayer> linears = host.linears();
        List<String> paths = Targets.select(targets, linears.keySet());
        List<String> notPlain = new ArrayList<>();
        for (String p : paths) {
            if (!(linears.get(p) instanceof Linear)) notPlain.add(p + " (" + linears.get(p).getClass().getSimpleName() + ")");
        }
        if (!notPlain.isEmpty()) {
            throw new Lowrank4jException("cannot adapt layers that are already adapted: "
                    + String.join(", ", notPlain) + "; merge or remove the existing adapter first");
        }
        Map<String, T> built = new LinkedHashMap<>();
        for (String p : paths) built.put(p, factory.wrap(p, (Linear) linears.get(p)));
        Set<Parameter> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        for (T layer : built.values()) {
            for (Parameter q : layer.parameters()) if (q.trainable()) keep.add(q);
        }
        built.forEach(host::replaceLinear);
        for (Parameter q : host.parameters()) if (!keep.contains(q)) q.setTrainable(false);
        return Collections.unmodifiableMap(built);
    }

    /**
     * Refuses a rank that does not fit every selected layer. Methods that rewrite the base weight
     * while building (PiSSA, LoLDU) call this first, so no weight is touched when one layer is too small.
     */
    public static void requireRankFits(ModuleHost host, TargetModules targets, int r, String method) {
        Map<String, LinearLayer> linears = host.linears();
        for (String path : Targets.select(targets, linears.keySet())) {
            LinearLayer l = linears.get(path);
            int k = Math.min(l.inFeatures(), l.outFeatures());
            if (r > k) throw new Lowrank4jException(path + ": " + method + " needs r <= min(out, in) = " + k + ", got r = " + r);
        }
    }

    /** The trainable parameters of some layers, each once, in layer order: what an optimizer should get. */
    public static List<Parameter> trainableParameters(Iterable<? extends LinearLayer> layers) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> out = new ArrayList<>();
        for (LinearLayer l : layers) {
            for (Parameter q : l.parameters()) if (q.trainable() && seen.add(q)) out.add(q);
        }
        return out;
    }
}
