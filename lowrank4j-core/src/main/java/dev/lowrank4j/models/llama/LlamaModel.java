package dev.lowrank4j.models.llama;

import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.kernels.VectorApi;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.CausalSelfAttention;
import dev.lowrank4j.nn.CrossEntropyLoss;
import dev.lowrank4j.nn.Embedding;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.RmsNorm;
import dev.lowrank4j.nn.RotaryEmbedding;
import dev.lowrank4j.nn.SwiGluMlp;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.models.llama.StepPhases.Phase;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LLaMA decoder with Hugging Face parameter names ({@code model.embed_tokens.weight},
 * {@code model.layers.{i}.self_attn.q_proj.weight}, …, {@code lm_head.weight}), trained with
 * explicit forward/backward passes.
 *
 * <p>Every projection (q, k, v, o, gate, up, down and the LM head) is held as a {@link LinearLayer}
 * and can be swapped by module path with {@link #replaceLinear}, which is how adapters plug in.
 * {@link #parameters()} is derived from the current modules, so it always reflects replacements.
 *
 * <p>With {@code tie_word_embeddings} the LM head is a {@link Linear} over the embedding's own
 * {@link Parameter}: there is no {@code lm_head.weight}, and the shared gradient receives both the
 * embedding and the head contributions.
 *
 * <p>Buffers are kept between steps and reused while the shape stays the same; tensors returned by
 * {@link #forward} are valid until the next forward. Not thread-safe: one model, one caller.
 */
public final class LlamaModel implements ModuleHost {
    private static final Pattern LAYER_LINEAR = Pattern.compile("model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+)");
    private static final String LM_HEAD = "lm_head";
    /** How many names an error message lists before summarising the rest. */
    private static final int MAX_NAMES_IN_ERROR = 20;

    private final LlamaConfig config;
    private final Embedding embedding;
    private final List<LlamaDecoderLayer> layers = new ArrayList<>();
    private final RmsNorm finalNorm;
    private LinearLayer lmHead;
    private final CrossEntropyLoss crossEntropy = new CrossEntropyLoss();

    private Tensor residualGrad;
    private int lastRows = -1;
    private StepPhases phases; // null: forward and backward read no clock
    private final dev.lowrank4j.nn.SharedGradientBuffers sharedGrads = new dev.lowrank4j.nn.SharedGradientBuffers();
    private final long seed;
    private final boolean generatedProjections;

    /** A freshly initialised model: N(0, initializer_range²) for embeddings and linears, norms = 1. */
    public LlamaModel(LlamaConfig config, long seed) {
        this(config, seed, false);
    }

    /**
     * The same model with every decoder projection (q, k, v, o, gate, up, down) held as a
     * {@link GeneratedWeights}: the same initial values, regenerated for each product instead of
     * stored, so the projections cost no memory until a method re-encodes them (LoQT builds a 7B
     * model this way: 27 GB of float32 projections never exist). The projections are frozen.
     */
    public static LlamaModel withGeneratedProjections(LlamaConfig config, long seed) {
        return new LlamaModel(config, seed, true);
    }

    private LlamaModel(LlamaConfig config, long seed, boolean generatedProjections) {
        VectorApi.require();
        this.config = config;
        this.seed = seed;
        this.generatedProjections = generatedProjections;
        int d = config.hiddenSize();
        Parameter embed = new Parameter("model.embed_tokens.weight", Tensor.zeros(config.vocabSize(), d));
        embedding = new Embedding(embed);
        RotaryEmbedding rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
        for (int i = 0; i < config.numHiddenLayers(); i++) layers.add(newLayer(i, rope));
        finalNorm = new RmsNorm(new Parameter("model.norm.weight", Tensor.zeros(d)), config.rmsNormEps());
        lmHead = config.tieWordEmbeddings()
                ? new Linear(embed)
                : Linear.create(LM_HEAD, d, config.vocabSize(), false);
        initialize(seed);
    }

    private LlamaDecoderLayer newLayer(int i, RotaryEmbedding rope) {
        String prefix = "model.layers." + i;
        int d = config.hiddenSize(), qDim = config.numAttentionHeads() * config.headDim();
        int kvDim = config.numKeyValueHeads() * config.headDim(), ff = config.intermediateSize();
        String attn = prefix + ".self_attn", mlp = prefix + ".mlp";
        // Backward runs one layer at a time, so all layers write their gradient buffers into one shared set.
        var attention = new CausalSelfAttention(attn, d, config.numAttentionHeads(), config.numKeyValueHeads(),
                config.headDim(), rope,
                projection(attn + ".q_proj", d, qDim).shareGradientBuffers(sharedGrads, "q_proj"),
                projection(attn + ".k_proj", d, kvDim).shareGradientBuffers(sharedGrads, "k_proj"),
                projection(attn + ".v_proj", d, kvDim).shareGradientBuffers(sharedGrads, "v_proj"),
                projection(attn + ".o_proj", qDim, d).shareGradientBuffers(sharedGrads, "o_proj"));
        attention.shareGradientBuffers(sharedGrads);
        var feedForward = new SwiGluMlp(mlp, d, ff, projection(mlp + ".gate_proj", d, ff).shareGradientBuffers(sharedGrads, "gate_proj"),
                projection(mlp + ".up_proj", d, ff).shareGradientBuffers(sharedGrads, "up_proj"),
                projection(mlp + ".down_proj", ff, d).shareGradientBuffers(sharedGrads, "down_proj"));
        feedForward.shareGradientBuffers(sharedGrads);
        return new LlamaDecoderLayer(prefix,
                new RmsNorm(new Parameter(prefix + ".input_layernorm.weight", Tensor.zeros(d)), config.rmsNormEps()),
                attention,
                new RmsNorm(new Parameter(prefix + ".post_attention_layernorm.weight", Tensor.zeros(d)), config.rmsNormEps()),
                feedForward);
    }

    /** A bias-free decoder projection: zeros that {@link #initialize} fills, or its generated twin. */
    private Linear projection(String modulePath, int in, int out) {
        if (!generatedProjections) return Linear.create(modulePath, in, out, false);
        return new Linear(modulePath, new GeneratedWeights(modulePath + ".weight", seed, config.initializerRange(), out, in), null);
    }

    /**
     * Matches transformers' LlamaPreTrainedModel._init_weights. Each parameter has its own random
     * stream, so initialising them in parallel gives the same values as doing it in order.
     */
    private void initialize(long seed) {
        List<Parameter> params = parameters();
        Parallel.forEachTask(params.size(), i -> {
            Parameter p = params.get(i);
            if (p.value().rank() == 1) WeightInit.ones(p); // the norms: the model has no biases
            else WeightInit.normal(p, seed, config.initializerRange());
        });
    }

    public LlamaConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- parameters and modules

    /**
     * All parameters, each once, in transformers' named_parameters order: embeddings; per layer
     * q, k, v, o, gate, up, down, input norm, post-attention norm; final norm; LM head (absent
     * when tied). Adapter parameters appear where their layer stands.
     */
    public List<Parameter> parameters() {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> out = new ArrayList<>();
        addOnce(out, seen, List.of(embedding.weight()));
        for (LlamaDecoderLayer layer : layers) addOnce(out, seen, layer.parameters());
        addOnce(out, seen, List.of(finalNorm.weight()));
        addOnce(out, seen, lmHead.parameters());
        return out;
    }

    private static void addOnce(List<Parameter> out, Set<Parameter> seen, List<Parameter> ps) {
        for (Parameter p : ps) if (seen.add(p)) out.add(p);
    }

    /** The parameter with this Hugging Face name; a {@link Lowrank4jException} if there is none. */
    public Parameter parameter(String name) {
        for (Parameter p : parameters()) if (p.name().equals(name)) return p;
        throw new Lowrank4jException("no parameter named '" + name + "' in this model");
    }

    /**
     * Every replaceable projection by module path, in model order: per layer
     * {@code model.layers.{i}.self_attn.{q,k,v,o}_proj} and {@code model.layers.{i}.mlp.{gate,up,down}_proj},
     * then {@code lm_head} (which, when tied, is a Linear over the embedding weight).
     */
    public Map<String, LinearLayer> linears() {
        Map<String, LinearLayer> out = new LinkedHashMap<>();
        for (LlamaDecoderLayer layer : layers) out.putAll(layer.linears());
        out.put(LM_HEAD, lmHead);
        return Collections.unmodifiableMap(out);
    }

    /** Puts {@code replacement} where the projection at {@code modulePath} stands; shapes must agree. */
    public void replaceLinear(String modulePath, LinearLayer replacement) {
        ModuleHost.checkReplacement(linears(), modulePath, replacement,
                "model.layers.0.self_attn.q_proj, model.layers.0.mlp.down_proj or lm_head");
        if (modulePath.equals(LM_HEAD)) {
            lmHead = replacement;
            return;
        }
        Matcher m = LAYER_LINEAR.matcher(modulePath);
        if (!m.matches()) throw new IllegalStateException("unparsed module path " + modulePath);
        LlamaDecoderLayer layer = layers.get(Integer.parseInt(m.group(1)));
        if (m.group(2).equals("self_attn")) layer.attention.setProjection(m.group(3), replacement);
        else layer.mlp.setProjection(m.group(3), replacement);
    }

    // ---------------------------------------------------------------- training passes

    /** The decoder layers, in order, each runnable and differentiable on its own. */
    public List<TransformerBlock> blocks() {
        return List.copyOf(layers);
    }

    /** Token embeddings of ids [batch·seq]: the hidden states block 0 reads. */
    public Tensor embed(int[] ids) {
        return embedding.forward(ids);
    }

    /** The final norm and LM head on hidden states [N, hidden] → logits [N, vocab] (no loss, no cache for backward of the blocks). */
    public Tensor head(Tensor hidden) {
        return lmHead.forward(finalNorm.forward(hidden));
    }

    /** ids [batch·seq] row-major → logits [batch·seq, vocab]; caches activations for backward. */
    public Tensor forward(int[] ids, int batch, int seq) {
        if (batch < 1 || seq < 1 || ids.length != (long) batch * seq) {
            throw new Lowrank4jException("expected batch·seq = " + batch + "·" + seq + " token ids, got " + ids.length);
        }
        long t = StepPhases.start(phases);
        Tensor h = embed(ids);
        t = StepPhases.lap(phases, Phase.EMBEDDING, t);
        for (LlamaDecoderLayer layer : layers) h = layer.forward(h, batch, seq);
        t = StepPhases.start(phases);
        Tensor normed = finalNorm.forward(h);
        t = StepPhases.lap(phases, Phase.NORMS, t);
        Tensor logits = lmHead.forward(normed);
        StepPhases.lap(phases, Phase.HEAD_AND_LOSS, t);
        lastRows = ids.length;
        return logits;
    }

    /** One empty cache per decoder layer, for up to {@code capacity} positions of one sequence. */
    public dev.lowrank4j.nn.KvCache[] newKvCaches(int capacity) {
        dev.lowrank4j.nn.KvCache[] out = new dev.lowrank4j.nn.KvCache[layers.size()];
        for (int i = 0; i < out.length; i++) out[i] = new dev.lowrank4j.nn.KvCache(capacity, config.numKeyValueHeads() * config.headDim());
        return out;
    }

    /**
     * Incremental decoding of one sequence: feeds the next {@code ids} (a prompt, then one token at a
     * time) through the caches and returns the logits [vocab] after the last of them.
     */
    public float[] decode(int[] ids, dev.lowrank4j.nn.KvCache[] caches) {
        if (caches.length != layers.size()) throw new IllegalArgumentException("one cache per layer expected");
        Tensor h = embed(ids);
        for (int i = 0; i < layers.size(); i++) h = layers.get(i).forwardCached(h, caches[i]);
        int d = config.hiddenSize();
        Tensor last = new Tensor(java.util.Arrays.copyOfRange(h.data, (ids.length - 1) * d, ids.length * d), 1, d);
        return head(last).data.clone();
    }

    /** Forward + mean cross-entropy, no backward (evaluation). Targets of -1 are ignored. */
    public float loss(int[] ids, int[] targets, int batch, int seq) {
        Tensor logits = forward(ids, batch, seq);
        long t = StepPhases.start(phases);
        float loss = crossEntropy.forward(logits, targets);
        StepPhases.lap(phases, Phase.HEAD_AND_LOSS, t);
        return loss;
    }

    /**
     * Forward, mean cross-entropy and backward. Gradients are ADDED to the trainable parameters'
     * gradients (call {@link #zeroGrad()} between steps; accumulate micro-batches by not calling it).
     */
    public float lossAndBackward(int[] ids, int[] targets, int batch, int seq) {
        float loss = loss(ids, targets, batch, seq);
        long t = StepPhases.start(phases);
        Tensor logitsGrad = crossEntropy.backwardOverLogits(); // the head's backward needs its input, not its output
        StepPhases.lap(phases, Phase.HEAD_AND_LOSS, t);
        backward(logitsGrad);
        return loss;
    }

    /** Backward from dL/dlogits of the last forward (for losses computed outside the model). */
    public void backward(Tensor logitsGrad) {
        if (lastRows < 0) throw new IllegalStateException("backward called before forward");
        long t = StepPhases.start(phases);
        Tensor normedGrad = lmHead.backward(logitsGrad);
        t = StepPhases.lap(phases, Phase.HEAD_AND_LOSS, t);
        residualGrad = Buffers.matrix(residualGrad, lastRows, config.hiddenSize());
        residualGrad.zero();
        finalNorm.backwardInto(normedGrad, residualGrad);
        StepPhases.lap(phases, Phase.NORMS, t);
        for (int i = layers.size() - 1; i >= 0; i--) layers.get(i).backwardInPlace(residualGrad);
        t = StepPhases.start(phases);
        embedding.backward(residualGrad);
        StepPhases.lap(phases, Phase.EMBEDDING, t);
    }

    /**
     * Attaches a clock that forward and backward report their parts to (embedding, norms,
     * attention, MLP, residual adds, head and loss), or detaches it with null.
     */
    public void timePhases(StepPhases phases) {
        this.phases = phases;
        for (LlamaDecoderLayer layer : layers) layer.timePhases(phases);
    }


    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /**
     * Bytes the last forward keeps for backward (outputs of every module plus the loss's row
     * statistics) and the gradient buffers a backward fills (the logits', the residual stream's,
     * each module's input gradient): after a step, its peak of activation memory.
     */
    public long activationBytes() {
        long bytes = embedding.activationBytes() + finalNorm.activationBytes() + lmHead.activationBytes()
                + crossEntropy.activationBytes() + Buffers.bytes(residualGrad) + sharedGrads.bytes();
        for (LlamaDecoderLayer layer : layers) bytes += layer.activationBytes();
        return bytes;
    }

    // ---------------------------------------------------------------- weights in and out

    /**
     * Copies weights (by Hugging Face name) into the parameters. All problems are collected and
     * reported at once, and nothing is copied unless everything matches. Rotary {@code inv_freq}
     * buffers are ignored, and so is {@code lm_head.weight} when the head is tied to the embedding
     * (transformers re-ties it the same way).
     */
    public void loadWeights(Map<String, Tensor> weights) {
        List<Parameter> params = parameters();
        List<String> missing = new ArrayList<>(), mismatched = new ArrayList<>(), unexpected = new ArrayList<>();
        Set<String> known = new java.util.HashSet<>();
        for (Parameter p : params) {
            known.add(p.name());
            Tensor t = weights.get(p.name());
            if (t == null) missing.add(p.name());
            else if (!t.sameShape(p.value().shape())) {
                mismatched.add(p.name() + " expected " + java.util.Arrays.toString(p.value().shape())
                        + " got " + java.util.Arrays.toString(t.shape()));
            }
        }
        for (String key : weights.keySet()) {
            if (!known.contains(key) && !ignoredOnLoad(key)) unexpected.add(key);
        }
        if (!missing.isEmpty() || !mismatched.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder msg = new StringBuilder("weights do not match the model:");
            appendNames(msg, "missing keys", missing);
            appendNames(msg, "unexpected keys", unexpected);
            appendNames(msg, "shape mismatches", mismatched);
            throw new Lowrank4jException(msg.toString());
        }
        for (Parameter p : params) p.set(weights.get(p.name()));
    }

    private boolean ignoredOnLoad(String key) {
        return key.endsWith(".rotary_emb.inv_freq") || (config.tieWordEmbeddings() && key.equals(LM_HEAD + ".weight"));
    }

    private static void appendNames(StringBuilder msg, String label, List<String> names) {
        if (names.isEmpty()) return;
        msg.append(' ').append(label).append(" (").append(names.size()).append("): ");
        msg.append(String.join(", ", names.subList(0, Math.min(names.size(), MAX_NAMES_IN_ERROR))));
        if (names.size() > MAX_NAMES_IN_ERROR) msg.append(", … ").append(names.size() - MAX_NAMES_IN_ERROR).append(" more");
        msg.append(';');
    }

    /**
     * Name → live parameter tensor, in {@link #parameters()} order (no copies: save before the next
     * optimizer step). A tied head adds no {@code lm_head.weight}, as in transformers' files.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : parameters()) out.put(p.name(), p.value());
        return out;
    }
}
