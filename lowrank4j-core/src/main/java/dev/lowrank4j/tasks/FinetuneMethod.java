package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.QuantizedBase;
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
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.train.StepHook;

import java.util.List;
import java.util.Locale;

/**
 * How a pretrained model is fine-tuned, applied the same way to any model that exposes its linear
 * layers (a LLaMA or the MiniLM encoder): full fine-tuning, LoRA, PeriodicLoRA (LoRA unloaded
 * into the backbone every {@code stageLength} steps, optionally with momentum unloading) or LoLDU.
 *
 * @param alpha    LoRA: scaling alpha/r; LoLDU: σ starts at alpha/r
 * @param momentum PeriodicLoRA's momentum unloading fraction m per step (0 = off), in the
 *                 function-preserving form W += m·s·BA, B ← (1−m)·B (see {@link MomentumUnloading})
 * @param seed     seeds the adapters' initial factors; the stage re-initialisations use their own stream
 * @param lolduInit LoLDU's starting z (ignored by the other methods)
 * @param trainSigma LoLDU: σ trains beside z (r + 1 parameters per layer, as the paper counts)
 * @param quantize base weights of the adapted layers: "none" (float32) or "nf4" (QLoRA, {@link QuantizedBase})
 */
public record FinetuneMethod(Kind kind, int rank, double alpha, long stageLength, double momentum, TargetModules targets,
                             long seed, LolduInit lolduInit, boolean trainSigma, String quantize)
        implements java.io.Serializable { // travels to data-parallel replicas (lowrank4j-spark)
    public enum Kind { FULL, LORA, PLORA, LOLDU }

    /**
     * The stage re-initialisations draw from seed ^ this, apart from the initial factors (the value
     * keeps the streams of the SpamAssassin runs in docs/FINETUNE.md).
     */
    static final long STAGE_STREAM = 0x3L;

    public FinetuneMethod {
        if (kind != Kind.FULL && rank <= 0) throw new Lowrank4jException("--rank must be > 0, got " + rank);
        if (kind == Kind.PLORA && stageLength <= 0) throw new Lowrank4jException("--stage-length must be > 0, got " + stageLength);
        if (!(momentum >= 0 && momentum < 1)) throw new Lowrank4jException("--momentum must be in [0, 1), got " + momentum);
        if (!Double.isFinite(alpha)) throw new Lowrank4jException("--alpha must be a finite number, got " + alpha);
        if (lolduInit == null) throw new IllegalArgumentException("lolduInit must not be null");
        quantize = QuantizedBase.parse(quantize);
        if (kind == Kind.FULL && !quantize.equals("none")) {
            throw new Lowrank4jException("--quantize " + quantize + " needs an adapter method (lora, plora or loldu): full fine-tuning trains the base weights");
        }
    }

    /** LoLDU (if chosen) with the code's default init, z = D_r, and σ frozen; float32 base. */
    public FinetuneMethod(Kind kind, int rank, double alpha, long stageLength, double momentum, TargetModules targets, long seed) {
        this(kind, rank, alpha, stageLength, momentum, targets, seed, LolduInit.LU, false, "none");
    }

    /** As the seven-argument form, over a base quantized as {@code quantize} ("none" or "nf4"). */
    public FinetuneMethod(Kind kind, int rank, double alpha, long stageLength, double momentum, TargetModules targets, long seed,
                          String quantize) {
        this(kind, rank, alpha, stageLength, momentum, targets, seed, LolduInit.LU, false, quantize);
    }

    /** With LoLDU's init and σ choice; float32 base. */
    public FinetuneMethod(Kind kind, int rank, double alpha, long stageLength, double momentum, TargetModules targets, long seed,
                          LolduInit lolduInit, boolean trainSigma) {
        this(kind, rank, alpha, stageLength, momentum, targets, seed, lolduInit, trainSigma, "none");
    }

    /** The same method over a base quantized as {@code type} ("none" or "nf4"). */
    public FinetuneMethod withQuantize(String type) {
        return new FinetuneMethod(kind, rank, alpha, stageLength, momentum, targets, seed, lolduInit, trainSigma, type);
    }

    public static Kind parseKind(String s) {
        try {
            return Kind.valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Lowrank4jException("unknown method '" + s + "'; choose one of full, lora, plora, loldu");
        }
    }

    /**
     * LoRA's alpha defaults to 2r (scaling 2); LoLDU's to r (σ = 1, the paper's tables use alpha =
     * rank). The authors' code defaults to alpha = 1 (σ = 1/r); with AdamW σ only rescales the step z
     * takes, which the learning-rate sweep absorbs, so we keep σ = 1 and say so in --help.
     */
    public static double defaultAlpha(Kind kind, int rank) {
        return kind == Kind.LOLDU ? rank : 2.0 * rank;
    }

    /** The same method with another seed for the adapters' streams. */
    public FinetuneMethod withSeed(long newSeed) {
        return new FinetuneMethod(kind, rank, alpha, stageLength, momentum, targets, newSeed, lolduInit, trainSigma, quantize);
    }

    public String id() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private PloraConfig ploraConfig() {
        PloraConfig pc = PloraConfig.everySteps(stageLength, seed ^ STAGE_STREAM);
        return momentum > 0 ? pc.withMomentum(MomentumUnloading.FUNCTION_PRESERVING, momentum, 1) : pc;
    }

    /**
     * What applying the method produced: the adapted module paths, the adapter objects (null when
     * not used) and what the optimizer should train.
     */
    public record Applied(FinetuneMethod method, List<String> modules, LoraAdapters lora, LolduAdapters loldu,
                          PeriodicLora plora, List<Parameter> trainable) {
        /** The per-step hook (PeriodicLoRA's unloading and optimizer reset), or null. */
        public StepHook hook() {
            if (plora == null) return null;
            return new StepHook() {
                @Override
                public void afterStep(long step, Optimizer optimizer) {
                    List<Parameter> reset = plora.afterStep(step).resetOptimizerState();
                    if (!reset.isEmpty()) optimizer.resetState(reset);
                }

                @Override
                public void onResume(long step) {
                    plora.resumeAt(step);
                }
            };
        }

        public long trainableCount() {
            return trainable.stream().mapToLong(Parameter::numel).sum();
        }
    }

    /**
     * Applies the method to {@code host}: full makes every parameter trainable; the adapters freeze
     * the model and train only their own factors. {@code alwaysTrainable} (a classification head)
     * trains either way and comes last in {@link Applied#trainable()}.
     */
    public Applied apply(ModuleHost host, List<Parameter> alwaysTrainable) {
        LoraAdapters lora = null;
        LolduAdapters loldu = null;
        PeriodicLora plora = null;
        List<String> modules = List.of();
        QuantizedBase.quantize(host, targets, quantize); // QLoRA: the adapters then wrap NF4 layers
        switch (kind) {
            case FULL -> {
                // a packed (NF4) weight has no gradient: full fine-tuning would silently train only norms and embeddings
                host.linears().forEach((path, l) -> {
                    if (l instanceof dev.lowrank4j.nn.Linear lin && lin.storage().parameter() == null) {
                        throw new Lowrank4jException(path + " is stored as " + lin.storage().kind()
                                + "; full fine-tuning needs float weights (use lora, plora or loldu: QLoRA over the NF4 base)");
                    }
                });
                host.parameters().forEach(p -> p.setTrainable(true));
            }
            case LORA, PLORA -> {
                lora = LoraInjector.inject(host, new LoraConfig(rank, alpha, 0.0, false, LoraInit.KAIMING_UNIFORM, targets, seed));
                if (kind == Kind.PLORA) plora = new PeriodicLora(lora, ploraConfig());
                modules = lora.modulePaths();
            }
            case LOLDU -> {
                loldu = LolduAdapters.inject(host, new LolduConfig(rank, alpha, lolduInit, trainSigma, targets, seed));
                modules = loldu.modulePaths();
            }
        }
        alwaysTrainable.forEach(p -> p.setTrainable(true));
        List<Parameter> trainable = new java.util.ArrayList<>(host.parameters().stream().filter(Parameter::trainable).toList());
        for (Parameter p : alwaysTrainable) if (!trainable.contains(p)) trainable.add(p);
        return new Applied(this, modules, lora, loldu, plora, List.copyOf(trainable));
    }
}
