package dev.lowrank4j.adapters.loldu;

import dev.lowrank4j.adapters.AdapterInjection;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.Parameter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies LoLDU to a model and keeps its layers: {@link #inject} wraps the targets (freezing
 * everything else), {@link #trainableParameters} is the optimizer's list (r per layer, + 1 with a
 * trainable σ), and {@link #mergeAll} puts plain merged Linears back.
 */
public final class LolduAdapters {
    private final ModuleHost host;
    private final LolduConfig config;
    private final Map<String, LolduLinear> layers;

    private LolduAdapters(ModuleHost host, LolduConfig config, Map<String, LolduLinear> layers) {
        this.host = host;
        this.config = config;
        this.layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    public static LolduAdapters inject(ModuleHost host, LolduConfig cfg) {
        // Building a layer overwrites its base weight with W_res: check every rank before the first.
        AdapterInjection.requireRankFits(host, cfg.targets(), cfg.r(), "LoLDU");
        Map<String, LolduLinear> layers = AdapterInjection.inject(host, cfg.targets(),
                (path, base) -> LolduLinear.create(path, base, cfg));
        return new LolduAdapters(host, cfg, layers);
    }

    public LolduConfig config() {
        return config;
    }

    public List<String> modulePaths() {
        return List.copyOf(layers.keySet());
    }

    public Map<String, LolduLinear> byPath() {
        return layers;
    }

    public List<Parameter> trainableParameters() {
        return AdapterInjection.trainableParameters(layers.values());
    }

    /** Replaces every LoLDU layer by its merged plain Linear; this object is spent afterwards. */
    public void mergeAll() {
        layers.forEach((path, layer) -> host.replaceLinear(path, layer.mergeToLinear()));
    }
}
