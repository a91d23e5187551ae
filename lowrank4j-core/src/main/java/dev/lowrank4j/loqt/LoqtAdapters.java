package dev.lowrank4j.loqt;

import dev.lowrank4j.adapters.AdapterInjection;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.tensor.Tensor;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LoQT layers of one model: injection over the targeted projections, the optimizer that
 * merges them on schedule, and the merged weights a plain model folder holds.
 */
public final class LoqtAdapters {
    private final ModuleHost host;
    private final LoqtConfig cfg;
    private final Map<String, LoqtLinear> byPath;

    private LoqtAdapters(ModuleHost host, LoqtConfig cfg, Map<String, LoqtLinear> byPath) {
        this.host = host;
        this.cfg = cfg;
        this.byPath = byPath;
    }

    /**
     * Replaces every targeted linear by a {@link LoqtLinear}. Parameters that trained before and are
     * not a targeted weight keep training (embeddings, norms and head use the normal optimizer).
     * A rank that does not fit some layer is refused before anything changes.
     */
    public static LoqtAdapters inject(ModuleHost host, TargetModules targets, LoqtConfig cfg) {
        AdapterInjection.requireRankFits(host, targets, cfg.rank(), "LoQT");
        Set<Parameter> wasTrainable = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Parameter p : host.parameters()) if (p.trainable()) wasTrainable.add(p);
        Map<String, LoqtLinear> layers = AdapterInjection.inject(host, targets, (path, base) -> new LoqtLinear(path, base, cfg));
        Set<Parameter> targetWeights = Collections.newSetFromMap(new IdentityHashMap<>());
        for (LoqtLinear l : layers.values()) targetWeights.addAll(l.parameters());
        for (Parameter p : wasTrainable) if (!targetWeights.contains(p)) p.setTrainable(true);
        for (LoqtLinear l : layers.values()) l.factor().setTrainable(true);
        return new LoqtAdapters(host, cfg, layers);
    }

    /** The LoQT layers already in {@code host} (after {@link #inject}); an error when it has none. */
    public static LoqtAdapters find(ModuleHost host) {
        Map<String, LoqtLinear> layers = new LinkedHashMap<>();
        host.linears().forEach((path, l) -> {
            if (l instanceof LoqtLinear q) layers.put(path, q);
        });
        if (layers.isEmpty()) throw new IllegalStateException("the model has no LoQT layers");
        return new LoqtAdapters(host, layers.values().iterator().next().config(), Collections.unmodifiableMap(layers));
    }

    /** Whether {@code host} holds LoQT layers. */
    public static boolean present(ModuleHost host) {
        return host.linears().values().stream().anyMatch(l -> l instanceof LoqtLinear);
    }

    public Map<String, LoqtLinear> byPath() {
        return byPath;
    }

    public LoqtConfig config() {
        return cfg;
    }

    /** LoQT over {@code inner}, which must step whatever trainable parameters the model has at each step. */
    public LoqtOptimizer optimizer(Optimizer inner, TopSvd svd, long seed) {
        return new LoqtOptimizer(inner, List.copyOf(byPath.values()), cfg, svd, seed,
                () -> host.parameters().stream().filter(Parameter::trainable).toList());
    }

    /**
     * The weights of the plain model LoQT stands for (the authors' {@code return_original_model}):
     * each targeted {@code <path>.weight} = deq(W) + s·B·P as float32, the factors left out.
     */
    public Map<String, Tensor> mergedWeights() {
        Map<String, Tensor> merged = new LinkedHashMap<>();
        byPath.forEach((path, l) -> {
            float[] w = l.mergedWeight();
            for (float v : w) {
                if (!Float.isFinite(v)) {
                    throw new dev.lowrank4j.Lowrank4jException(path + ": the merged LoQT weight is not finite (NaN or Inf); no model was written");
                }
            }
            merged.put(path + ".weight", new Tensor(w, l.outFeatures(), l.inFeatures()));
        });
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : host.parameters()) {
            if (isFactor(p.name())) continue;
            out.put(p.name(), merged.getOrDefault(p.name(), p.value()));
        }
        merged.forEach(out::putIfAbsent); // quantized W has no float parameter in the model
        return out;
    }

    static boolean isFactor(String name) {
        return name.endsWith(".lora_A.weight") || name.endsWith(".lora_B.weight");
    }
}
