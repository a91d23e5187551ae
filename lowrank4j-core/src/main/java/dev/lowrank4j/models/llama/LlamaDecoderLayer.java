package dev.lowrank4j.models.llama;

import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.CausalSelfAttention;
import dev.lowrank4j.nn.RmsNorm;
import dev.lowrank4j.nn.SwiGluMlp;
import dev.lowrank4j.nn.VectorMath;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.models.llama.StepPhases.Phase;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pre-norm LLaMA block: h = x + attn(norm₁(x)); out = h + mlp(norm₂(h)).
 *
 * <p>Backward works in place on the residual-stream gradient: the caller passes dL/d(out) and gets
 * dL/dx in the same buffer. Each norm adds its input gradient straight into that buffer, which is
 * exactly the residual sum, so the block needs no gradient buffers of its own.
 */
final class LlamaDecoderLayer implements TransformerBlock {
    private final String path;
    final RmsNorm inputNorm;
    final CausalSelfAttention attention;
    final RmsNorm postAttentionNorm;
    final SwiGluMlp mlp;

    private Tensor afterAttention; // h, kept: it is the residual input of the MLP half
    private Tensor output;
    private Tensor blockGrad;
    private StepPhases phases; // null: no clock reads

    LlamaDecoderLayer(String path, RmsNorm inputNorm, CausalSelfAttention attention, RmsNorm postAttentionNorm, SwiGluMlp mlp) {
        this.path = path;
        this.inputNorm = inputNorm;
        this.attention = attention;
        this.postAttentionNorm = postAttentionNorm;
        this.mlp = mlp;
    }

    /** x must stay unchanged until backward (the input norm keeps it). */
    Tensor forward(Tensor x, int batch, int seq) {
        int n = x.dim(0), d = x.dim(1);
        long t = StepPhases.start(phases);
        Tensor normed = inputNorm.forward(x);
        t = StepPhases.lap(phases, Phase.NORMS, t);
        Tensor attended = attention.forward(normed, batch, seq);
        t = StepPhases.lap(phases, Phase.ATTENTION, t);
        afterAttention = Buffers.matrix(afterAttention, n, d);
        VectorMath.add(x.data, attended.data, afterAttention.data, n * d);
        t = StepPhases.lap(phases, Phase.RESIDUALS, t);
        Tensor normedAgain = postAttentionNorm.forward(afterAttention);
        t = StepPhases.lap(phases, Phase.NORMS, t);
        Tensor transformed = mlp.forward(normedAgain);
        t = StepPhases.lap(phases, Phase.MLP, t);
        output = Buffers.matrix(output, n, d);
        VectorMath.add(afterAttention.data, transformed.data, output.data, n * d);
        StepPhases.lap(phases, Phase.RESIDUALS, t);
        return output;
    }

    /** Attaches (or with null detaches) the clock {@link #forward} and {@link #backwardInPlace} report to. */
    void timePhases(StepPhases phases) {
        this.phases = phases;
    }


    /** Inference on the next tokens of one sequence, attention through {@code cache} (see CausalSelfAttention#forwardCached). */
    Tensor forwardCached(Tensor x, dev.lowrank4j.nn.KvCache cache) {
        int n = x.dim(0), d = x.dim(1);
        Tensor attended = attention.forwardCached(inputNorm.forward(x), cache);
        afterAttention = Buffers.matrix(afterAttention, n, d);
        VectorMath.add(x.data, attended.data, afterAttention.data, n * d);
        Tensor transformed = mlp.forward(postAttentionNorm.forward(afterAttention));
        output = Buffers.matrix(output, n, d);
        VectorMath.add(afterAttention.data, transformed.data, output.data, n * d);
        return output;
    }

    @Override
    public Tensor forward(Tensor x, Context context) {
        return forward(x, context.batch(), context.seq());
    }

    /** The block alone: dy is copied, so the caller's tensor is left as it was. */
    @Override
    public Tensor backward(Tensor dy) {
        blockGrad = Buffers.matrix(blockGrad, dy.dim(0), dy.dim(1));
        System.arraycopy(dy.data, 0, blockGrad.data, 0, dy.data.length);
        backwardInPlace(blockGrad);
        return blockGrad;
    }

    @Override
    public String path() {
        return path;
    }

    /** q, k, v, o, gate, up, down, then the two norms (transformers' order). */
    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (LinearLayer l : linears().values()) out.addAll(l.parameters());
        out.add(inputNorm.weight());
        out.add(postAttentionNorm.weight());
        return out;
    }

    @Override
    public Map<String, LinearLayer> linears() {
        Map<String, LinearLayer> out = new LinkedHashMap<>();
        attention.projections().forEach((k, v) -> out.put(path + ".self_attn." + k, v));
        mlp.projections().forEach((k, v) -> out.put(path + ".mlp." + k, v));
        return out;
    }

    /** On entry residualGrad = dL/d(out); on return dL/dx. */
    void backwardInPlace(Tensor residualGrad) {
        long t = StepPhases.start(phases);
        Tensor mlpGrad = mlp.backward(residualGrad);
        t = StepPhases.lap(phases, Phase.MLP, t);
        postAttentionNorm.backwardInto(mlpGrad, residualGrad);
        t = StepPhases.lap(phases, Phase.NORMS, t);
        Tensor attentionGrad = attention.backward(residualGrad);
        t = StepPhases.lap(phases, Phase.ATTENTION, t);
        inputNorm.backwardInto(attentionGrad, residualGrad);
        StepPhases.lap(phases, Phase.NORMS, t);
    }

    long activationBytes() {
        return inputNorm.activationBytes() + attention.activationBytes() + postAttentionNorm.activationBytes()
                + mlp.activationBytes() + Buffers.bytes(afterAttention) + Buffers.bytes(output) + Buffers.bytes(blockGrad);
    }
}
