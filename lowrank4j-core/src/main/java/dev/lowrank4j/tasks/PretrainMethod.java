package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraInjector;
import dev.lowrank4j.loqt.LoqtAdapters;
import dev.lowrank4j.loqt.LoqtConfig;
import dev.lowrank4j.loqt.MergeSchedule;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.optim.FiraOptions;
import dev.lowrank4j.optim.GaLoreAdamW;
import dev.lowrank4j.optim.GaLoreOptions;
import dev.lowrank4j.optim.ProjectionTargets;
import dev.lowrank4j.optim.ProjectionType;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.train.TrainConfig;

import java.util.Locale;

/**
 * How a pretraining run trains the attention and MLP projections: all weights with AdamW
 * ("full"), a LoRA adapter on frozen random weights (the GaLore papers' low-rank baseline), or
 * full weights with a low-rank-gradient optimizer (GaLore, Fira). Embeddings, norms and the head
 * always train with plain Adam, as in the papers' scripts. GaLore/Fira use their reference AdamW
 * (eps 1e-6 before bias correction, decay on every parameter), whatever eps the run config names.
 *
 * @param rank       LoRA rank or GaLore/Fira projection rank (0 = a quarter of the hidden size)
 * @param updateGap  GaLore/Fira projector refresh period T
 * @param scale      GaLore/Fira scale α
 * @param loraAlpha  LoRA alpha (scaling alpha/r)
 * @param projection GaLore projection type (std, reverse_std, left, right, full)
 * @param svd        GaLore/Fira/LoQT projector: "exact" top-r SVD (default) or "randomized"; run configs saved
 *                   before the option existed used the randomized one, and resume with it
 * @param increment  LoQT: ψ of the exponential merge schedule (gaps T + ⌊ψ^k⌋; below 1: fixed gaps T)
 * @param compensationIters LoQT: error-compensation iterations C
 * @param quantizeProjection LoQT: P in NF4 as well as W
 * @param resetAdapterState LoQT: zero B's Adam state at each merge (the authors carry it over)
 */
public record PretrainMethod(Kind kind, int rank, long updateGap, double scale, double loraAlpha, String projection,
                             String svd, double increment, int compensationIters, boolean quantizeProjection,
                             boolean resetAdapterState) {
    /** LOQT: W (and P) in NF4; LOQT_NQ: the same method without quantization (LoQT-nq). */
    public enum Kind { FULL, LORA, GALORE, FIRA, LOQT, LOQT_NQ }

    /** LoRA targets every attention and MLP projection, the modules GaLore projects. */
    public static final TargetModules LLAMA_LINEARS =
            TargetModules.names("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public PretrainMethod {
        if (rank < 0) throw new Lowrank4jException("--rank must be > 0, got " + rank);
        if (updateGap <= 0) throw new Lowrank4jException("--update-gap must be > 0, got " + updateGap);
        if (!(scale > 0) || !Double.isFinite(scale)) throw new Lowrank4jException("--scale must be > 0, got " + scale);
        ProjectionType.parse(projection); // fails early with the list of valid types
        if (svd == null) svd = "randomized";
        TopSvd.byName(svd);
        if (kind == Kind.LOQT || kind == Kind.LOQT_NQ) { // one-line errors for bad LoQT settings (fields are not set yet)
            new LoqtConfig(Math.max(1, rank), loraAlpha, new MergeSchedule(updateGap, increment), compensationIters,
                    kind == Kind.LOQT, kind == Kind.LOQT && quantizeProjection, resetAdapterState, null);
        }
    }

    public PretrainMethod(Kind kind, int rank, long updateGap, double scale, double loraAlpha, String projection) {
        this(kind, rank, updateGap, scale, loraAlpha, projection, "exact");
    }

    public PretrainMethod(Kind kind, int rank, long updateGap, double scale, double loraAlpha, String projection, String svd) {
        this(kind, rank, updateGap, scale, loraAlpha, projection, svd, LoqtConfig.DEFAULT_INCREMENT,
                LoqtConfig.DEFAULT_COMPENSATION, kind == Kind.LOQT, false);
    }

    /** LoQT with the authors' script defaults (T 100, ψ 1.2, s 0.5, C 5; W and P in NF4 unless -nq). */
    public static PretrainMethod loqt(boolean quantized, int rank) {
        return new PretrainMethod(quantized ? Kind.LOQT : Kind.LOQT_NQ, rank, LoqtConfig.DEFAULT_GAP, 0.25,
                LoqtConfig.DEFAULT_ALPHA, "std", "exact", LoqtConfig.DEFAULT_INCREMENT,
                quantized ? LoqtConfig.DEFAULT_COMPENSATION : 0, quantized, false);
    }

    /** The same method with another update gap T (null keeps it). */
    public PretrainMethod withUpdateGap(Long gap) {
        return gap == null ? this : new PretrainMethod(kind, rank, gap, scale, loraAlpha, projection, svd, increment,
                compensationIters, quantizeProjection, resetAdapterState);
    }

    /** The same method with another projector SVD ("exact" or "randomized"). */
    public PretrainMethod withSvd(String name) {
        return new PretrainMethod(kind, rank, updateGap, scale, loraAlpha, projection, name, increment,
                compensationIters, quantizeProjection, resetAdapterState);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isLoqt() {
        return kind == Kind.LOQT || kind == Kind.LOQT_NQ;
    }

    /** The LoQT settings of this method at rank {@code r}. */
    public LoqtConfig loqtConfig(int r) {
        boolean q = kind == Kind.LOQT;
        return new LoqtConfig(r, loraAlpha, new MergeSchedule(updateGap, increment), compensationIters, q,
                q && quantizeProjection, resetAdapterState, null);
    }

    public static PretrainMethod defaults(Kind kind) {
        return new PretrainMethod(kind, 0, 200, 0.25, 32, "std");
    }

    public static Kind parseKind(String s) {
        try {
            return Kind.valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new Lowrank4jException("unknown method '" + s + "'; choose one of full, lora, galore, fira, loqt, loqt-nq");
        }
    }

    public String id() {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public int effectiveRank(int hidden) {
        return rank > 0 ? rank : Math.max(1, hidden / 4);
    }

    /**
     * A freshly initialised model for this method. LoQT (quantized) gets its projections as
     * {@link LlamaModel#withGeneratedProjections generated} initial weights: the same values, but
     * the float32 projections never exist together (they are regenerated a layer at a time until
     * the step-0 merge quantizes them).
     */
    public LlamaModel newModel(LlamaConfig config, long seed) {
        return kind == Kind.LOQT ? LlamaModel.withGeneratedProjections(config, seed) : new LlamaModel(config, seed);
    }

    /**
     * Changes the model in place if the method needs it (LoRA injection), before any weights load;
     * returns the adapters for LoRA, else null.
     */
    public LoraAdapters prepare(LlamaModel model, long seed) {
        if (isLoqt()) {
            LoqtAdapters.inject(model, LLAMA_LINEARS, loqtConfig(effectiveRank(model.config().hiddenSize())));
            return null;
        }
        if (kind != Kind.LORA) return null;
        int r = effectiveRank(model.config().hiddenSize());
        int smallest = Math.min(model.config().hiddenSize(), model.config().intermediateSize());
        if (r > smallest) throw new Lowrank4jException("--rank " + r + " exceeds the smallest projection dimension " + smallest);
        LoraConfig cfg = new LoraConfig(r, loraAlpha, 0.0, false, LoraInit.KAIMING_UNIFORM, LLAMA_LINEARS, seed);
        LoraAdapters lora = LoraInjector.inject(model, cfg);
        // LoRA freezes the whole model; the low-rank pretraining baseline still trains embeddings, norms and head
        model.parameters().stream().filter(p -> !p.name().contains(".self_attn.") && !p.name().contains(".mlp."))
                .forEach(p -> p.setTrainable(true));
        return lora;
    }

    public Optimizer optimizer(LlamaModel model, TrainConfig t) {
        return switch (kind) {
            case FULL, LORA -> new AdamW(model.parameters(), new AdamW.Hyper(t.beta1(), t.beta2(), t.eps(), t.weightDecay()));
            case LOQT, LOQT_NQ -> {
                // the inner AdamW sees whatever trains at each step: B, embeddings, norms, head (the float W
                // of an update step never reaches it: it is frozen or re-quantized before the step)
                AdamW inner = new AdamW(model::parameters, new AdamW.Hyper(t.beta1(), t.beta2(), t.eps(), t.weightDecay()),
                        p -> p.value().rank() >= 2);
                yield LoqtAdapters.find(model).optimizer(inner, TopSvd.byName(svd), t.seed());
            }
            case GALORE, FIRA -> {
                var split = ProjectionTargets.llamaLinears(model.parameters());
                GaLoreOptions o = GaLoreOptions.of(effectiveRank(model.config().hiddenSize()))
                        .withUpdateGap(updateGap).withScale(scale).withType(ProjectionType.parse(projection))
                        .withAdam(t.beta1(), t.beta2(), GaLoreOptions.DEFAULT_EPS).withWeightDecay(t.weightDecay())
                        .withSvd(TopSvd.byName(svd)).withSeed(t.seed());
                yield kind == Kind.GALORE ? GaLoreAdamW.galore(split.projected(), split.regular(), o)
                        : GaLoreAdamW.fira(split.projected(), split.regular(), o, FiraOptions.codeExact());
            }
        };
    }
}
