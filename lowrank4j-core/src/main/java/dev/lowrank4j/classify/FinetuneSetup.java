package dev.lowrank4j.classify;

import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.adapters.loldu.LolduAdapters;
import dev.lowrank4j.adapters.loldu.LolduConfig;
import dev.lowrank4j.adapters.loldu.LolduInit;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraInjector;
import dev.lowrank4j.adapters.plora.PeriodicLora;
import dev.lowrank4j.adapters.plora.PloraConfig;
import dev.lowrank4j.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link FinetuneMethod} to a classifier's encoder and says what the optimizer trains.
 * Adapters go on the attention query and value projections (PEFT's default targets for BERT); the
 * head always trains (PEFT's {@code modules_to_save} for sequence classification).
 *
 * <ul>
 *   <li>full: every encoder parameter is unfrozen;</li>
 *   <li>lora: rank r, scaling alpha/r, kaiming-uniform A and zero B, no dropout (the encoder has none either);</li>
 *   <li>plora: the same LoRA plus a {@link PeriodicLora} that unloads it every stage;</li>
 *   <li>loldu: LU init (the function is unchanged at step 0), σ fixed at alpha/r, only z trains.</li>
 * </ul>
 */
final class FinetuneSetup {
    static final List<String> ADAPTER_TARGETS = List.of("query", "value");
    /** Salts the adapter streams apart from the head init, which uses the seed itself. */
    private static final long ADAPTER_SALT = 0xADA9_7E25_0000_0001L;
    private static final long PLORA_SALT = 0xADA9_7E25_0000_0002L;

    /**
     * The result of applying a method.
     *
     * @param trainable      what the optimizer steps, in model order (head last)
     * @param lora           the LoRA layers (lora and plora), else null
     * @param plora          the stage driver (plora only), else null
     * @param adaptedModules module paths that got an adapter (empty for full)
     */
    record Applied(FinetuneMethod method, List<Parameter> trainable, LoraAdapters lora, PeriodicLora plora,
                   List<String> adaptedModules) {
        /** Training vs evaluation mode where an adapter cares (LoRA dropout; a no-op at dropout 0). */
        void setTraining(boolean training) {
            if (lora != null) lora.setTraining(training);
        }

        long trainableCount() {
            return trainable.stream().mapToLong(Parameter::numel).sum();
        }
    }

    private FinetuneSetup() {}

    static Applied apply(SequenceClassifier model, FinetuneOptions o) {
        BertEncoder host = model.encoder();
        TargetModules targets = TargetModules.names(ADAPTER_TARGETS);
        long adapterSeed = o.seed() ^ ADAPTER_SALT;
        List<Parameter> trainable = new ArrayList<>();
        return switch (o.method()) {
            case FULL -> {
                model.encoder().setTrainable(true);
                trainable.addAll(model.encoder().parameters());
                trainable.addAll(model.head().parameters());
                yield new Applied(o.method(), List.copyOf(trainable), null, null, List.of());
            }
            case LORA, PLORA -> {
                LoraConfig cfg = new LoraConfig(o.rank(), o.resolvedAlpha(), 0.0, false, LoraInit.KAIMING_UNIFORM, targets,
                        adapterSeed);
                LoraAdapters lora = LoraInjector.inject(host, cfg);
                trainable.addAll(lora.trainableParameters());
                trainable.addAll(model.head().parameters());
                PeriodicLora plora = o.method() == FinetuneMethod.PLORA
                        ? new PeriodicLora(lora, PloraConfig.everySteps(o.resolvedStageLength(), o.seed() ^ PLORA_SALT))
                        : null;
                yield new Applied(o.method(), List.copyOf(trainable), lora, plora, lora.modulePaths());
            }
            case LOLDU -> {
                LolduConfig cfg = new LolduConfig(o.rank(), o.resolvedAlpha(), LolduInit.LU, false, targets, adapterSeed);
                LolduAdapters loldu = LolduAdapters.inject(host, cfg);
                trainable.addAll(loldu.trainableParameters());
                trainable.addAll(model.head().parameters());
                yield new Applied(o.method(), List.copyOf(trainable), null, null, loldu.modulePaths());
            }
        };
    }
}
