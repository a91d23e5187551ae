package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.AdapterInjection;
import dev.lowrank4j.nn.Parameter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LoRA layers of one adapted model, by module path in model order, with the operations that
 * act on all of them at once. Returned by {@link LoraInjector#inject}.
 */
public final class LoraAdapters {
    private final LoraConfig config;
    private final Map<String, LoraLinear> layers;

    public LoraAdapters(LoraConfig config, Map<String, LoraLinear> layers) {
        this.config = config;
        this.layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    public LoraConfig config() {
        return config;
    }

    /** Adapted module paths in model order (what a CLI prints). */
    public List<String> modulePaths() {
        return List.copyOf(layers.keySet());
    }

    public Map<String, LoraLinear> byPath() {
        return layers;
    }

    public Collection<LoraLinear> layers() {
        return layers.values();
    }

    public LoraLinear layer(String modulePath) {
        LoraLinear l = layers.get(modulePath);
        if (l == null) throw new Lowrank4jException("no LoRA adapter at '" + modulePath + "'; adapted: " + modulePaths());
        return l;
    }

    /** What the optimizer should get: every trainable A and B, in model order. */
    public List<Parameter> trainableParameters() {
        return AdapterInjection.trainableParameters(layers.values());
    }

    /** Number of trainable adapter values, r·(in + out) summed over layers. */
    public long trainableCount() {
        long n = 0;
        for (Parameter p : trainableParameters()) n += p.numel();
        return n;
    }

    /**
     * Merges every layer. With {@code safe}, each merged weight is checked for NaN/Inf before it is
     * written, and a failure unmerges the layers merged so far, so the model is never half-merged.
     */
    public void mergeAll(boolean safe) {
        List<LoraLinear> done = new ArrayList<>();
        try {
            for (LoraLinear l : layers.values()) {
                if (l.merged()) continue;
                if (safe) l.safeMerge();
                else l.merge();
                done.add(l);
            }
        } catch (Lowrank4jException e) {
            for (LoraLinear l : done) l.unmerge();
            throw e;
        }
    }

    public void unmergeAll() {
        for (LoraLinear l : layers.values()) l.unmerge();
    }

    public void setTraining(boolean training) {
        for (LoraLinear l : layers.values()) l.setTraining(training);
    }

    public void disableAll() {
        for (LoraLinear l : layers.values()) l.disable();
    }

    public void enableAll() {
        for (LoraLinear l : layers.values()) l.enable();
    }
}
