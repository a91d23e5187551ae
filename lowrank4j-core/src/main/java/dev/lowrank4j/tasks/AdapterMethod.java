package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.loldu.LolduAdapters;
import dev.lowrank4j.adapters.loldu.LolduConfig;
import dev.lowrank4j.adapters.loldu.LolduInit;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraInjector;
import dev.lowrank4j.adapters.plora.MomentumUnloading;
import dev.lowrank4j.adapters.plora.PeriodicLora;
import dev.lowrank4j.adapters.plora.PloraConfig;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.train.StepHook;

import java.util.List;
import java.util.Locale;

/**
 * The fine-tuning methods of the adapters issue, applied to any model that exposes its linear
 * layers (LLaMA or BERT): full fine-tuning, LoRA, PeriodicLoRA (LoRA unloaded into the backbone
 * every {@code stageLength} steps) and LoLDU.
 */
public record AdapterMethod(Kind kind, int rank, double alpha, long stageLength, double momentum, TargetModules targets,
                            long seed) {
    public enum Kind { FULL, LORA, PLORA, LOLDU }

    public AdapterMethod {
        if (kind != Kind.FULL && rank <= 0) throw new Lowrank4jException("--rank must be > 0, got " + rank);
        if (kind == Kind.PLORA && stageLength <= 0) throw new Lowrank4jException("--stage-length must be > 0, got " + stageLength);
        if (!(momentum >= 0 && momentum < 1)) throw new Lowrank4jException("--momentum must be in [0, 1), got " + momentum);
    }

    public static Kind parseKind(String s) {
        try {
            return Kind.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Lowrank4jException("unknown method '" + s + "'; choose one of full, lora, plora, loldu");
        }
    }

    public String id() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private PloraConfig ploraConfig() {
        PloraConfig pc = PloraConfig.everySteps(stageLength, seed);
        // momentum unloading in the function-preserving form (see MomentumUnloading), every step
        return momentum > 0 ? pc.withMomentum(MomentumUnloading.FUNCTION_PRESERVING, momentum, 1) : pc;
    }

    /** What applying the method produced: the modules changed and the hook PeriodicLoRA needs. */
    public record Applied(List<String> modules, LoraAdapters lora, LolduAdapters loldu, PeriodicLora plora) {
        /** The per-step hook (PeriodicLoRA unloading), or null. */
        public StepHook hook() {
            if (plora == null) return null;
            return new StepHook() {
                @Override
                public void afterStep(long step, dev.lowrank4j.optim.Optimizer optimizer) {
                    PeriodicLora.StepOutcome o = plora.afterStep(step);
                    if (!o.resetOptimizerState().isEmpty()) {
                        if (!(optimizer instanceof AdamW adam)) {
                            throw new IllegalStateException("PeriodicLoRA needs AdamW to reset adapter state");
                        }
                        adam.resetState(o.resetOptimizerState());
                    }
                }

                @Override
                public void onResume(long step) {
                    plora.resumeAt(step);
                }
            };
        }
    }

    /**
     * Applies the method: full makes every parameter trainable; the adapters freeze the model and
     * train only their own factors. Parameters in {@code alwaysTrainable} (a classification head,
     * say) stay trainable either way.
     */
    public Applied apply(ModuleHost host, List<Parameter> allParameters, List<Parameter> alwaysTrainable) {
        Applied a = switch (kind) {
            case FULL -> {
                allParameters.forEach(p -> p.setTrainable(true));
                yield new Applied(List.of(), null, null, null);
            }
            case LORA, PLORA -> {
                LoraConfig cfg = new LoraConfig(rank, alpha, 0.0, false, LoraInit.KAIMING_UNIFORM, targets, seed);
                LoraAdapters lora = LoraInjector.inject(host, cfg);
                PeriodicLora plora = kind == Kind.PLORA ? new PeriodicLora(lora, ploraConfig()) : null;
                yield new Applied(lora.modulePaths(), lora, null, plora);
            }
            case LOLDU -> {
                LolduAdapters loldu = LolduAdapters.inject(host, new LolduConfig(rank, alpha, LolduInit.LU, false, targets, seed));
                yield new Applied(loldu.modulePaths(), null, loldu, null);
            }
        };
        alwaysTrainable.forEach(p -> p.setTrainable(true));
        return a;
    }
}
