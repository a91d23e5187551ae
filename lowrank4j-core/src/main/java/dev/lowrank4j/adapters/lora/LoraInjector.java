package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.adapters.AdapterInjection;
import dev.lowrank4j.nn.ModuleHost;

import java.util.Map;

/**
 * Puts LoRA layers into a model (PEFT's {@code get_peft_model}): every projection selected by
 * {@link LoraConfig#targets()} is wrapped in a {@link LoraLinear}, and every other parameter of
 * the model is frozen, so an optimizer built from {@link LoraAdapters#trainableParameters()} (or
 * from the model's trainable parameters) trains the adapters only.
 *
 * <p>Load the base weights BEFORE injecting: afterwards the model's parameter list includes the
 * adapter factors, which a base checkpoint does not have.
 */
public final class LoraInjector {
    private LoraInjector() {
    }

    public static LoraAdapters inject(ModuleHost host, LoraConfig cfg) {
        // PiSSA edits base weights while the layers are built, so a rank that fits only some layers is refused up front.
        if (cfg.init() == LoraInit.PISSA) AdapterInjection.requireRankFits(host, cfg.targets(), cfg.r(), "PiSSA");
        Map<String, LoraLinear> layers = AdapterInjection.inject(host, cfg.targets(),
                (path, base) -> LoraLinear.create(path, base, cfg));
        return new LoraAdapters(cfg, layers);
    }
}
