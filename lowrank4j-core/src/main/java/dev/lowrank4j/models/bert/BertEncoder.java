package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.VectorApi;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BERT encoder (transformers' BertModel without the pooler) with Hugging Face parameter names
 * ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.{i}.attention.self.query.weight},
 * …), trained with explicit forward/backward passes. Dropout is not applied (eval-mode numerics).
 *
 * <p>The 6·L linears are {@link LinearLayer}s reachable by module path through {@link #linears()} and
 * swappable with {@link #replaceLinear}, which is how adapters plug in; {@link #parameters()} is
 * derived from the current modules, so it always reflects replacements.
 *
 * <p>Tensors returned by {@link #forward} belong to the model and stay valid until the next forward.
 * Not thread-safe: one model, one caller.
 */
public final class BertEncoder implements ModuleHost {
    private static final Pattern LAYER_LINEAR = Pattern.compile("encoder\\.layer\\.(\\d+)\\.(.+)");
    /** How many names an error message lists before summarising the rest. */
    private static final int MAX_NAMES_IN_ERROR = 12;

    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final List<BertLayer> layers = new ArrayList<>();

    private PaddingMask lastMask;

    /** A freshly initialised encoder (transformers' BERT initialisation, seeded per parameter name). */
    public BertEncoder(BertConfig config, long seed) {
        this(config);
        BertInit.initialize(parameters(), seed);
    }

    /** Zero weights; only for callers that load weights right after (random init of 22M values costs seconds). */
    private BertEncoder(BertConfig config) {
        VectorApi.require();
        this.config = config;
        this.embeddings = new BertEmbeddings(config);
        for (int i = 0; i < config.numHiddenLayers(); i++) layers.add(new BertLayer("encoder.layer." + i, config));
    }

    /** An encoder holding {@code weights} (Hugging Face names, PyTorch layouts). */
    public static BertEncoder fromWeights(BertConfig config, Map<String, Tensor> weights) {
        BertEncoder encoder = new BertEncoder(config);
        encoder.loadWeights(weights);
        return encoder;
    }

    public BertConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- parameters and modules

    /**
     * Every parameter once, in transformers' named_parameters order: embeddings (word, position,
     * token type, LayerNorm), then per layer query, key, value, attention output dense and LayerNorm,
     * intermediate dense, output dense and LayerNorm. Adapter parameters appear where their layer stands.
     */
    public List<Parameter> parameters() {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : embeddings.parameters()) if (seen.add(p)) out.add(p);
        for (BertLayer layer : layers) for (Parameter p : layer.parameters()) if (seen.add(p)) out.add(p);
        return out;
    }

    /** The parameter with this Hugging Face name; a {@link Lowrank4jException} if there is none. */
    public Parameter parameter(String name) {
        for (Parameter p : parameters()) if (p.name().equals(name)) return p;
        throw new Lowrank4jException("no parameter named '" + name + "' in this encoder");
    }

    /** Freezes (false) or unfreezes (true) every current parameter; frozen ones hold no gradient. */
    public void setTrainable(boolean trainable) {
        for (Parameter p : parameters()) p.setTrainable(trainable);
    }

    /**
     * Every replaceable linear by module path, in model order: per layer
     * {@code encoder.layer.{i}.attention.self.{query,key,value}}, {@code encoder.layer.{i}.attention.output.dense},
     * {@code encoder.layer.{i}.intermediate.dense} and {@code encoder.layer.{i}.output.dense}.
     */
    public Map<String, LinearLayer> linears() {
        Map<String, LinearLayer> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            String prefix = "encoder.layer." + i + ".";
            layers.get(i).localLinears().forEach((k, v) -> out.put(prefix + k, v));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Puts {@code replacement} where the linear at {@code modulePath} stands; shapes must agree. */
    public void replaceLinear(String modulePath, LinearLayer replacement) {
        ModuleHost.checkReplacement(linears(), modulePath, replacement,
                "encoder.layer.0.attention.self.query or encoder.layer.0.output.dense");
        Matcher m = LAYER_LINEAR.matcher(modulePath);
        if (!m.matches()) throw new IllegalStateException("unparsed module path " + modulePath);
        layers.get(Integer.parseInt(m.group(1))).setLinear(m.group(2), replacement);
    }

    // ---------------------------------------------------------------- passes

    /** The encoder layers, in order, each runnable and differentiable on its own. */
    public List<TransformerBlock> blocks() {
        return List.copyOf(layers);
    }

    /** Embeddings (words + positions + token types, LayerNorm) of ids [batch·seq]: what layer 0 reads. */
    public Tensor embed(int[] ids, int[] tokenTypes, int batch, int seq) {
        return embeddings.forward(ids, tokenTypes, batch, seq);
    }

    /**
     * Token ids, attention mask (1 = token, 0 = padding; null = all tokens) and token types (null = all
     * 0), each [batch·seq] row-major → last hidden states [batch·seq, hidden]. Padding positions get
     * outputs too (as in transformers); they are never attended to. Caches activations for backward.
     */
    public Tensor forward(int[] ids, int[] attentionMask, int[] tokenTypes, int batch, int seq) {
        if (batch < 1 || seq < 1 || ids.length != (long) batch * seq) {
            throw new Lowrank4jException("expected batch·seq = " + batch + "·" + seq + " token ids, got " + ids.length);
        }
        PaddingMask mask = PaddingMask.of(attentionMask, batch, seq);
        Tensor h = embeddings.forward(ids, tokenTypes, batch, seq);
        for (BertLayer layer : layers) h = layer.forward(h, mask);
        lastMask = mask;
        return h;
    }

    /**
     * Backward from dL/d(last hidden states) [batch·seq, hidden] of the last forward. Gradients are
     * ADDED to the trainable parameters' gradients (call {@link #zeroGrad()} between steps).
     */
    public void backward(Tensor hiddenGrad) {
        if (lastMask == null) throw new IllegalStateException("backward called before forward");
        if (!hiddenGrad.sameShape(lastMask.batch * lastMask.seq, config.hiddenSize())) {
            throw new IllegalArgumentException("hidden-state gradient must be [" + lastMask.batch * lastMask.seq + ", "
                    + config.hiddenSize() + "], got " + Arrays.toString(hiddenGrad.shape()));
        }
        Tensor g = hiddenGrad;
        for (int i = layers.size() - 1; i >= 0; i--) g = layers.get(i).backward(g);
        embeddings.backward(g);
    }

    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** Bytes the last forward keeps for backward. */
    public long activationBytes() {
        long bytes = embeddings.activationBytes();
        for (BertLayer layer : layers) bytes += layer.activationBytes();
        return bytes;
    }

    // ---------------------------------------------------------------- weights in and out

    /**
     * Copies weights (by Hugging Face name) into the parameters. All problems are reported at once, and
     * nothing is copied unless everything matches. {@code embeddings.position_ids} and the pooler (which
     * this encoder does not have) are ignored.
     */
    public void loadWeights(Map<String, Tensor> weights) {
        List<Parameter> params = parameters();
        List<String> missing = new ArrayList<>(), mismatched = new ArrayList<>(), unexpected = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (Parameter p : params) {
            known.add(p.name());
            Tensor t = weights.get(p.name());
            if (t == null) missing.add(p.name());
            else if (!t.sameShape(p.value().shape())) {
                mismatched.add(p.name() + " expected " + Arrays.toString(p.value().shape()) + " got " + Arrays.toString(t.shape()));
            }
        }
        for (String key : weights.keySet()) {
            if (!known.contains(key) && !key.equals("embeddings.position_ids") && !key.startsWith("pooler.")) unexpected.add(key);
        }
        if (!missing.isEmpty() || !mismatched.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder msg = new StringBuilder("weights do not match the BERT encoder:");
            appendNames(msg, "missing keys", missing);
            appendNames(msg, "unexpected keys", unexpected);
            appendNames(msg, "shape mismatches", mismatched);
            throw new Lowrank4jException(msg.toString());
        }
        for (Parameter p : params) p.set(weights.get(p.name()));
    }

    private static void appendNames(StringBuilder msg, String label, List<String> names) {
        if (names.isEmpty()) return;
        msg.append(' ').append(label).append(" (").append(names.size()).append("): ");
        msg.append(String.join(", ", names.subList(0, Math.min(names.size(), MAX_NAMES_IN_ERROR))));
        if (names.size() > MAX_NAMES_IN_ERROR) msg.append(", … ").append(names.size() - MAX_NAMES_IN_ERROR).append(" more");
        msg.append(';');
    }

    /** Name → live parameter tensor, in {@link #parameters()} order (no copies). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : parameters()) out.put(p.name(), p.value());
        return out;
    }
}
