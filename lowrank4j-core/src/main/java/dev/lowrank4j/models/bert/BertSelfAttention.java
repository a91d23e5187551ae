package dev.lowrank4j.models.bert;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.VectorMath;
import dev.lowrank4j.tensor.Tensor;

/**
 * BERT's bidirectional self-attention core (transformers' BertSelfAttention, eager path): query, key
 * and value projections with biases, softmax(Q·Kᵀ/√d + mask)·V per head, no causal mask. Padding keys
 * get probability exactly 0, which is what adding finfo.min to their scores gives in float32.
 *
 * <p>Activations are [N, hidden] with N = batch·seq; head h owns columns [h·d, (h+1)·d), read in place
 * through the GEMM leading dimension (no per-head copies). Keys past each sequence's last real token
 * are skipped. Work is split by (batch, head); each task writes its own column block of the query,
 * key and value gradients, so backward has no races and no reductions across tasks.
 *
 * <p>Backward per head with P = softmax(S): dP = dO·Vᵀ, dV = Pᵀ·dO, dS = P ⊙ (dP − rowsum(P ⊙ dP)),
 * dQ = dS·K/√d, dK = dSᵀ·Q/√d.
 */
public final class BertSelfAttention {
    private final String modulePath;
    private final int hidden;
    private final int heads;
    private final int headDim;
    private final float scale;
    private LinearLayer query;
    private LinearLayer key;
    private LinearLayer value;

    private PaddingMask mask;
    private Tensor queries;
    private Tensor keys;
    private Tensor values;
    private float[] probabilities; // [B, heads, T, T]; columns past keyEnd unused
    private Tensor context;

    private float[] scoreGrads;
    private Tensor queryGrads;
    private Tensor keyGrads;
    private Tensor valueGrads;
    private Tensor inputGrad;

    /** @param modulePath e.g. {@code encoder.layer.0.attention.self} */
    public BertSelfAttention(String modulePath, int hidden, int heads, LinearLayer query, LinearLayer key,
                             LinearLayer value) {
        if (heads <= 0 || hidden % heads != 0) {
            throw new IllegalArgumentException(modulePath + ": hidden " + hidden + " is not a multiple of heads " + heads);
        }
        this.modulePath = modulePath;
        this.hidden = hidden;
        this.heads = heads;
        this.headDim = hidden / heads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.query = checked("query", query);
        this.key = checked("key", key);
        this.value = checked("value", value);
    }

    private LinearLayer checked(String name, LinearLayer layer) {
        if (layer.inFeatures() != hidden || layer.outFeatures() != hidden) {
            throw new IllegalArgumentException(modulePath + "." + name + " must map " + hidden + " -> " + hidden
                    + " features, got " + layer.inFeatures() + " -> " + layer.outFeatures());
        }
        return layer;
    }

    public LinearLayer projection(String name) {
        return switch (name) {
            case "query" -> query;
            case "key" -> key;
            case "value" -> value;
            default -> throw new IllegalArgumentException(modulePath + " has no projection " + name);
        };
    }

    public void setProjection(String name, LinearLayer layer) {
        checked(name, layer);
        switch (name) {
            case "query" -> query = layer;
            case "key" -> key = layer;
            case "value" -> value = layer;
            default -> throw new IllegalArgumentException(modulePath + " has no projection " + name);
        }
    }

    /** x [N, hidden] → context [N, hidden] (layer-owned, valid until the next forward). */
    Tensor forward(Tensor x, PaddingMask padding) {
        int n = Checks.rows(modulePath, x, hidden);
        if (n != padding.batch * padding.seq) throw new IllegalArgumentException(modulePath + ": rows != batch·seq");
        mask = padding;
        queries = query.forward(x);
        keys = key.forward(x);
        values = value.forward(x);
        int seq = padding.seq;
        probabilities = Buffers.array(probabilities, padding.batch * heads * seq * seq);
        context = Buffers.matrix(context, n, hidden);
        Parallel.forEach(padding.batch * heads, task -> attendOneHead(task / heads, task % heads));
        return context;
    }

    private void attendOneHead(int b, int h) {
        int seq = mask.seq, keysUsed = mask.keyEnd[b];
        int rowsOff = b * seq * hidden + h * headDim;
        int pOff = (b * heads + h) * seq * seq;
        float[] p = probabilities;
        Gemm.sgemm(false, true, seq, keysUsed, headDim, scale, queries.data, rowsOff, hidden,
                keys.data, rowsOff, hidden, 0f, p, pOff, seq);
        for (int i = 0; i < seq; i++) {
            int row = pOff + i * seq;
            for (int j = 0; j < keysUsed; j++) if (!mask.attends(b, j)) p[row + j] = Float.NEGATIVE_INFINITY;
            float max = VectorMath.max(p, row, keysUsed);
            float sum = VectorMath.expInPlace(p, row, keysUsed, max);
            VectorMath.scale(p, row, keysUsed, 1f / sum);
        }
        Gemm.sgemm(false, false, seq, headDim, keysUsed, 1f, p, pOff, seq, values.data, rowsOff, hidden,
                0f, context.data, rowsOff, hidden);
    }

    /** dContext [N, hidden] → dx [N, hidden] (layer-owned); adds the projections' parameter gradients. */
    Tensor backward(Tensor dContext) {
        Checks.forwardDone(modulePath, context);
        int n = Checks.rows(modulePath, dContext, hidden);
        if (n != context.dim(0)) throw new IllegalArgumentException(modulePath + ": dy rows differ from forward");
        scoreGrads = Buffers.array(scoreGrads, probabilities.length);
        queryGrads = Buffers.matrix(queryGrads, n, hidden);
        keyGrads = Buffers.matrix(keyGrads, n, hidden);
        valueGrads = Buffers.matrix(valueGrads, n, hidden);
        inputGrad = Buffers.matrix(inputGrad, n, hidden);
        // Rows of trailing padding keys get no gradient; the tasks below only write the rows before keyEnd.
        keyGrads.zero();
        valueGrads.zero();
        Parallel.forEach(mask.batch * heads, task -> backwardOneHead(dContext.data, task / heads, task % heads));

        float[] dx = inputGrad.data;
        System.arraycopy(query.backward(queryGrads).data, 0, dx, 0, dx.length);
        VectorMath.addInPlace(dx, 0, key.backward(keyGrads).data, 0, dx.length);
        VectorMath.addInPlace(dx, 0, value.backward(valueGrads).data, 0, dx.length);
        return inputGrad;
    }

    private void backwardOneHead(float[] dContext, int b, int h) {
        int seq = mask.seq, keysUsed = mask.keyEnd[b];
        int rowsOff = b * seq * hidden + h * headDim;
        int pOff = (b * heads + h) * seq * seq;
        float[] p = probabilities, ds = scoreGrads;
        Gemm.sgemm(false, true, seq, keysUsed, headDim, 1f, dContext, rowsOff, hidden, values.data, rowsOff, hidden,
                0f, ds, pOff, seq);
        Gemm.sgemm(true, false, keysUsed, headDim, seq, 1f, p, pOff, seq, dContext, rowsOff, hidden,
                0f, valueGrads.data, rowsOff, hidden);
        for (int i = 0; i < seq; i++) {
            int row = pOff + i * seq;
            float rowDot = VectorMath.dot(p, row, ds, row, keysUsed);
            for (int j = 0; j < keysUsed; j++) ds[row + j] = p[row + j] * (ds[row + j] - rowDot);
        }
        Gemm.sgemm(false, false, seq, headDim, keysUsed, scale, ds, pOff, seq, keys.data, rowsOff, hidden,
                0f, queryGrads.data, rowsOff, hidden);
        Gemm.sgemm(true, false, keysUsed, headDim, seq, scale, ds, pOff, seq, queries.data, rowsOff, hidden,
                0f, keyGrads.data, rowsOff, hidden);
    }

    public long activationBytes() {
        return Buffers.bytes(probabilities) + Buffers.bytes(context) + query.activationBytes() + key.activationBytes()
                + value.activationBytes();
    }

    @Override
    public String toString() {
        return "BertSelfAttention(" + modulePath + ", heads=" + heads + ", head_dim=" + headDim + ")";
    }
}
