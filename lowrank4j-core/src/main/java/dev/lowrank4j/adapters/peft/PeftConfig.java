package dev.lowrank4j.adapters.peft;

import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;

import java.util.List;

/**
 * The part of PEFT's {@code LoraConfig} that this library implements, as read from or written to
 * {@code adapter_config.json} by {@link PeftConfigJson}. Fields PEFT has but we do not support
 * (DoRA, fan_in_fan_out, lora_bias, rank/alpha patterns, …) are rejected on read when set and
 * written with their "off" values.
 *
 * @param taskType             PEFT's {@code task_type}, e.g. "CAUSAL_LM" (may be null)
 * @param r                    rank
 * @param loraAlpha            {@code lora_alpha}
 * @param loraDropout          {@code lora_dropout}
 * @param targets              {@code target_modules}
 * @param useRslora            {@code use_rslora}
 * @param init                 {@code init_lora_weights}
 * @param baseModelNameOrPath  {@code base_model_name_or_path} (may be null)
 * @param inferenceMode        {@code inference_mode}
 * @param peftVersion          {@code peft_version}: the PEFT version that wrote the file, or the
 *                             one whose layout we emulate when we write it
 * @param modulesToSave        {@code modules_to_save}: modules trained in full and stored whole in the
 *                             adapter file under {@code base_model.model.<module>.<param>} (a classifier head)
 */
public record PeftConfig(String taskType, int r, double loraAlpha, double loraDropout, TargetModules targets,
                         boolean useRslora, LoraInit init, String baseModelNameOrPath, boolean inferenceMode,
                         String peftVersion, List<String> modulesToSave) {
    public static final String PEFT_TYPE = "LORA";
    public static final String CAUSAL_LM = "CAUSAL_LM";
    /** PEFT's task type for an encoder with a classification head. */
    public static final String SEQ_CLS = "SEQ_CLS";

    public PeftConfig {
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
    }
    /** The PEFT release whose file layout the writer follows (the one that made the reference adapter). */
    public static final String EMULATED_PEFT_VERSION = "0.21.0";

    /** The config to save for adapters trained with {@code cfg}; PEFT marks saved adapters inference_mode = true. */
    public static PeftConfig of(LoraConfig cfg, String baseModelNameOrPath) {
        return new PeftConfig(CAUSAL_LM, cfg.r(), cfg.alpha(), cfg.dropout(), cfg.targets(), cfg.useRslora(), cfg.init(),
                baseModelNameOrPath, true, EMULATED_PEFT_VERSION, List.of());
    }

    /** The same config for another task type and with extra modules saved whole. */
    public PeftConfig forTask(String task, List<String> modules) {
        return new PeftConfig(task, r, loraAlpha, loraDropout, targets, useRslora, init, baseModelNameOrPath, inferenceMode,
                peftVersion, modules);
    }

    /** The equivalent training config; {@code seed} drives dropout masks (factors come from the file). */
    public LoraConfig toLoraConfig(long seed) {
        return new LoraConfig(r, loraAlpha, loraDropout, useRslora, init, targets, seed);
    }

    public double scaling() {
        return LoraConfig.scaling(r, loraAlpha, useRslora);
    }
}
