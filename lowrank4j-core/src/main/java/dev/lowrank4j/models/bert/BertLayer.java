package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.nn.VectorMath;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One post-norm BERT block (transformers' BertLayer without dropout, i.e. eval mode):
 * <pre>
 *   h = LayerNorm(x + dense_o(SelfAttention(x)))          attention.output.*
 *   y = LayerNorm(h + dense_out(GELU(dense_in(h))))       intermediate.dense, output.*
 * </pre>
 * The six linears are held as {@link LinearLayer}s under their local module paths
 * ({@code attention.self.query}, …, {@code output.dense}) so adapters can replace them.
 */
public final class BertLayer implements TransformerBlock {
    private final String prefix;
    private final int hidden;
    private final int intermediateSize;
    private final BertSelfAttention attention;
    private LinearLayer attentionOutput;
    private final LayerNorm attentionNorm;
    private LinearLayer intermediate;
    private final Gelu gelu = new Gelu();
    private LinearLayer output;
    private final LayerNorm outputNorm;

    private Tensor attentionSum;
    private Tensor outputSum;
    private Tensor hiddenGrad;
    private Tensor inputGrad;

    /** A zero-initialised block named {@code prefix.…} (e.g. {@code encoder.layer.0}). */
    BertLayer(String prefix, BertConfig config) {
        this.prefix = prefix;
        this.hidden = config.hiddenSize();
        this.intermediateSize = config.intermediateSize();
        int d = hidden, ff = intermediateSize;
        attention = new BertSelfAttention(prefix + ".attention.self", d, config.numAttentionHeads(),
                Linear.create(prefix + ".attention.self.query", d, d, true),
                Linear.create(prefix + ".attention.self.key", d, d, true),
                Linear.create(prefix + ".attention.self.value", d, d, true));
        attentionOutput = Linear.create(prefix + ".attention.output.dense", d, d, true);
        attentionNorm = LayerNorm.create(prefix + ".attention.output.LayerNorm", d, config.layerNormEps());
        intermediate = Linear.create(prefix + ".intermediate.dense", d, ff, true);
        output = Linear.create(prefix + ".output.dense", ff, d, true);
        outputNorm = LayerNorm.create(prefix + ".output.LayerNorm", d, config.layerNormEps());
    }

    /** The six linears by local path, in transformers' module order. */
    Map<String, LinearLayer> localLinears() {
        Map<String, LinearLayer> out = new LinkedHashMap<>();
        out.put("attention.self.query", attention.projection("query"));
        out.put("attention.self.key", attention.projection("key"));
        out.put("attention.self.value", attention.projection("value"));
        out.put("attention.output.dense", attentionOutput);
        out.put("intermediate.dense", intermediate);
        out.put("output.dense", output);
        return out;
    }

    void setLinear(String localPath, LinearLayer layer) {
        int in = localPath.equals("output.dense") ? intermediateSize : hidden;
        int out = localPath.equals("intermediate.dense") ? intermediateSize : hidden;
        if (layer.inFeatures() != in || layer.outFeatures() != out) {
            throw new IllegalArgumentException(prefix + "." + localPath + " must map " + in + " -> " + out);
        }
        switch (localPath) {
            case "attention.self.query" -> attention.setProjection("query", layer);
            case "attention.self.key" -> attention.setProjection("key", layer);
            case "attention.self.value" -> attention.setProjection("value", layer);
            case "attention.output.dense" -> attentionOutput = layer;
            case "intermediate.dense" -> intermediate = layer;
            case "output.dense" -> output = layer;
            default -> throw new IllegalArgumentException(prefix + " has no linear " + localPath);
        }
    }

    @Override
    public String path() {
        return prefix;
    }

    @Override
    public Map<String, LinearLayer> linears() {
        Map<String, LinearLayer> out = new LinkedHashMap<>();
        localLinears().forEach((k, v) -> out.put(prefix + "." + k, v));
        return out;
    }

    @Override
    public Tensor forward(Tensor x, Context context) {
        return forward(x, PaddingMask.of(context.attentionMask(), context.batch(), context.seq()));
    }

    /** Parameters in transformers' named_parameters order. */
    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        Map<String, LinearLayer> l = localLinears();
        out.addAll(l.get("attention.self.query").parameters());
        out.addAll(l.get("attention.self.key").parameters());
        out.addAll(l.get("attention.self.value").parameters());
        out.addAll(l.get("attention.output.dense").parameters());
        out.add(attentionNorm.weight());
        out.add(attentionNorm.bias());
        out.addAll(l.get("intermediate.dense").parameters());
        out.addAll(l.get("output.dense").parameters());
        out.add(outputNorm.weight());
        out.add(outputNorm.bias());
        return out;
    }

    /** x [N, hidden] → [N, hidden] (owned by the output LayerNorm). Keeps a reference to x. */
    Tensor forward(Tensor x, PaddingMask mask) {
        int n = x.dim(0);
        Tensor attended = attentionOutput.forward(attention.forward(x, mask));
        attentionSum = Buffers.matrix(attentionSum, n, hidden);
        VectorMath.add(attended.data, x.data, attentionSum.data, attentionSum.data.length);
        Tensor h = attentionNorm.forward(attentionSum);
        Tensor mlp = output.forward(gelu.forward(intermediate.forward(h)));
        outputSum = Buffers.matrix(outputSum, n, hidden);
        VectorMath.add(mlp.data, h.data, outputSum.data, outputSum.data.length);
        return outputNorm.forward(outputSum);
    }

    /** dy [N, hidden] → dx [N, hidden] (layer-owned); adds every parameter gradient. */
    @Override
    public Tensor backward(Tensor dy) {
        int n = dy.dim(0);
        Tensor dOutputSum = outputNorm.backward(dy);
        Tensor dh = intermediate.backward(gelu.backward(output.backward(dOutputSum)));
        hiddenGrad = Buffers.matrix(hiddenGrad, n, hidden);
        VectorMath.add(dh.data, dOutputSum.data, hiddenGrad.data, hiddenGrad.data.length);
        Tensor dAttentionSum = attentionNorm.backward(hiddenGrad);
        Tensor dx = attention.backward(attentionOutput.backward(dAttentionSum));
        inputGrad = Buffers.matrix(inputGrad, n, hidden);
        VectorMath.add(dx.data, dAttentionSum.data, inputGrad.data, inputGrad.data.length);
        return inputGrad;
    }

    long activationBytes() {
        return attention.activationBytes() + attentionOutput.activationBytes() + attentionNorm.activationBytes()
                + intermediate.activationBytes() + gelu.activationBytes() + output.activationBytes()
                + outputNorm.activationBytes() + Buffers.bytes(attentionSum) + Buffers.bytes(outputSum);
    }
}
