package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The LLaMA test-bed configurations of GaLore, Fira and LoQT (GaLore configs/llama_*.json;
 * ALGORITHMS §0.4): untied LM head, no biases, SwiGLU MLP, vocab 32000. Only shapes, for memory
 * estimates of models too big to build here.
 */
public record LlamaPaperConfig(String name, int hidden, int intermediate, int heads, int layers, int vocab) {
    private static final int VOCAB = 32000;
    private static final Map<String, LlamaPaperConfig> ALL = java.util.stream.Stream.of(
            new LlamaPaperConfig("9m", 128, 352, 4, 4, VOCAB),
            new LlamaPaperConfig("20m", 256, 688, 4, 4, VOCAB),
            new LlamaPaperConfig("35m", 384, 1024, 8, 6, VOCAB),
            new LlamaPaperConfig("60m", 512, 1376, 8, 8, VOCAB),
            new LlamaPaperConfig("130m", 768, 2048, 12, 12, VOCAB),
            new LlamaPaperConfig("350m", 1024, 2736, 16, 24, VOCAB),
            new LlamaPaperConfig("1b", 2048, 5461, 32, 24, VOCAB), // the json's 32 heads / 24 layers, not the paper table's
            new LlamaPaperConfig("7b", 4096, 11008, 32, 32, VOCAB)
    ).collect(Collectors.toMap(LlamaPaperConfig::name, c -> c, (a, b) -> a, java.util.LinkedHashMap::new));

    public static LlamaPaperConfig byName(String name) {
        LlamaPaperConfig c = ALL.get(name.toLowerCase(java.util.Locale.ROOT));
        if (c == null) throw new Lowrank4jException("unknown LLaMA config '" + name + "'; valid: " + String.join(", ", ALL.keySet()));
        return c;
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /**
     * Every weight with its Hugging Face name ([out, in] shapes); the attention and MLP
     * projections are the targeted ones, embeddings, norms and lm_head are not.
     */
    public List<WeightShape> weights() {
        return weights(hidden);
    }

    /** {@link #weights()} with k_proj and v_proj of {@code kvDim} outputs (grouped-query attention: kv heads × head_dim). */
    public List<WeightShape> weights(int kvDim) {
        List<WeightShape> w = new ArrayList<>();
        w.add(new WeightShape("model.embed_tokens.weight", vocab, hidden, false));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            w.add(new WeightShape(p + "self_attn.q_proj.weight", hidden, hidden, true));
            w.add(new WeightShape(p + "self_attn.k_proj.weight", kvDim, hidden, true));
            w.add(new WeightShape(p + "self_attn.v_proj.weight", kvDim, hidden, true));
            w.add(new WeightShape(p + "self_attn.o_proj.weight", hidden, hidden, true));
            w.add(new WeightShape(p + "mlp.gate_proj.weight", intermediate, hidden, true));
            w.add(new WeightShape(p + "mlp.up_proj.weight", intermediate, hidden, true));
            w.add(new WeightShape(p + "mlp.down_proj.weight", hidden, intermediate, true));
            w.add(new WeightShape(p + "input_layernorm.weight", hidden, 1, false));
            w.add(new WeightShape(p + "post_attention_layernorm.weight", hidden, 1, false));
        }
        w.add(new WeightShape("model.norm.weight", hidden, 1, false));
        w.add(new WeightShape("lm_head.weight", vocab, hidden, false));
        return w;
    }

    /** The rank the GaLore/Fira C4 scripts use for this size (ALGORITHMS §2e; 1b from the paper table). */
    public int paperRank() {
        return switch (name) {
            case "60m" -> 128;
            case "130m", "350m" -> 256;
            case "1b" -> 512;
            case "7b" -> 1024;
            default -> Math.max(1, hidden / 4);
        };
    }

    public long parameterCount() {
        return weights().stream().mapToLong(WeightShape::elements).sum();
    }
}
