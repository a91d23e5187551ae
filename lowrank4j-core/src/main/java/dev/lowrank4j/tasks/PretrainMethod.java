package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraInjector;
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
 * @param svd        GaLore/Fira projector: "exact" top-r SVD (default) or "randomized"; run configs saved
 *                   before the option existed used the randomized one, and resume with it
 */
public record PretrainMethod(Kind kind, int rank, long updateGap, double scale, double loraAlpha, String projection,
                             String svd) {
    public enum Kind { FULL, LORA, GALORE, FIRA }

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
    }

    public PretrainMethod(Kind kind, int rank, long updateGap, double scale, double loraAlpha, String projection) {
        this(kind, rank, updateGap, scale, loraAlpha, projection, "exact");
    }

    public static PretrainMethod defaults(Kind kind) {
        return new PretrainMethod(kind, 0, 200, 0.25, 32, "std");
    }

    public static Kind parseKind(String s) {
        try {
            return Kind.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Lowrank4jException("unknown method '" + s + "'; choose one of full, lora, galore, fira");
        }
    }

    public String id() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    public int effectiveRank(int hidden) {
        return rank > 0 ? rank : Math.max(1, hidden / 4);
    }

    /**
     * Changes the model in place if the method needs it (LoRA injection), before any weights load;
     * returns the adapters for LoRA, else null.
     */
    public LoraAdapters prepare(LlamaModel model, long seed) {
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
