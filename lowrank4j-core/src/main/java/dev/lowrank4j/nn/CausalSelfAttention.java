package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LLaMA self-attention: q/k/v projections, rotary embedding on q and k, causal softmax attention
 * with grouped-query heads (query head h reads key/value head h / (heads / kvHeads)), scale
 * 1/sqrt(head_dim), then the output projection. Activations are [N, features] with
 * N = batch·seq and each sequence's rows contiguous; head h owns columns [h·d, (h+1)·d) as in
 * transformers' view/transpose.
 *
 * <p>The softmax itself is {@link TiledAttention}: blocks of queries against blocks of keys with
 * an online softmax, so forward keeps one logsumexp per query instead of B·H·T² probabilities and
 * backward recomputes them block by block. Work is split by (batch, head) in forward and by
 * (batch, kv head) in backward, so the key and value gradients that several query heads share are
 * summed by one task in a fixed order (no races, same result for any thread count). Each query
 * block only touches the keys at or before its last row, which skips the masked upper triangle.
 * The rotary embedding is undone on dQ and dK.
 */
public final class CausalSelfAttention {
    /**
     * Multiply-adds (heads · new tokens · cached positions · head_dim) below which cached attention
     * runs its heads on the calling thread: about 10 µs of work, what a ForkJoinPool round trip cost when
     * this was tuned (the worker team that replaced it wakes faster; not re-tuned).
     */
    static final long CACHED_PARALLEL_MIN_WORK = 1L << 18;

    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int queryDim;
    private final int kvDim;
    private final int hidden;
    private final float scale;
    private final RotaryEmbedding rope;
    private final String modulePath;
    private final Map<String, LinearLayer> projections = new LinkedHashMap<>();

    // Kept from forward for backward.
    private int batch;
    private int seq;
    private float[] rotatedQueries; // [B, H, T, d], head-major so each head's block is contiguous
    private float[] rotatedKeys;    // [B, KV, T, d]
    private Tensor values;          // v_proj output [N, KV·d], owned by v_proj
    private float[] logSumExp;      // [B, H, T]: each query's softmax normaliser, all backward needs of the scores
    private Tensor context;         // [N, H·d], the input of o_proj

    // Score-block scratch, one per parallel chunk, reused by every head and by backward.
    private TiledAttention.Scratch[] scratch = new TiledAttention.Scratch[0];
    // Backward buffers.
    private float[] rotatedQueryGrads;
    private float[] rotatedKeyGrads;
    private Tensor queryGrads;
    private Tensor keyGrads;
    private Tensor valueGrads;
    private Tensor inputGrad;
    private SharedGradientBuffers sharedGrads; // null: buffers of its own

    /**
     * @param modulePath e.g. {@code model.layers.0.self_attn}; projections are named
     *                   {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code o_proj} under it
     */
    public CausalSelfAttention(String modulePath, int hidden, int heads, int kvHeads, int headDim,
                               RotaryEmbedding rope, LinearLayer qProj, LinearLayer kProj,
                               LinearLayer vProj, LinearLayer oProj) {
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(modulePath + ": heads (" + heads
                    + ") must be a positive multiple of key/value heads (" + kvHeads + ")");
        }
        if (rope.headDim() != headDim) throw new IllegalArgumentException(modulePath + ": rotary head_dim differs");
        this.modulePath = modulePath;
        this.hidden = hidden;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.queryDim = heads * headDim;
        this.kvDim = kvHeads * headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.rope = rope;
        projections.put("q_proj", null);
        projections.put("k_proj", null);
        projections.put("v_proj", null);
        projections.put("o_proj", null);
        setProjection("q_proj", qProj);
        setProjection("k_proj", kProj);
        setProjection("v_proj", vProj);
        setProjection("o_proj", oProj);
    }

    /** The four projections by local name, in q, k, v, o order. */
    public Map<String, LinearLayer> projections() {
        return java.util.Collections.unmodifiableMap(projections);
    }

    /** Swaps one projection (e.g. for an adapter); the replacement must keep the shape. */
    public void setProjection(String name, LinearLayer layer) {
        if (!projections.containsKey(name)) {
            throw new IllegalArgumentException(modulePath + " has no projection " + name + "; known: " + projections.keySet());
        }
        int in = name.equals("o_proj") ? queryDim : hidden;
        int out = switch (name) {
            case "q_proj" -> queryDim;
            case "o_proj" -> hidden;
            default -> kvDim;
        };
        if (layer.inFeatures() != in || layer.outFeatures() != out) {
            throw new IllegalArgumentException(modulePath + "." + name + " must map " + in + " -> " + out
                    + " features, got " + layer.inFeatures() + " -> " + layer.outFeatures());
        }
        projections.put(name, layer);
    }

    private LinearLayer proj(String name) {
        return projections.get(name);
    }

    /** x [batch·seq, hidden] → [batch·seq, hidden] (owned by o_proj). Keeps what backward needs. */
    public Tensor forward(Tensor x, int batch, int seq) {
        int n = Shapes.rowsWithColumns(modulePath, x, hidden);
        if (n != batch * seq) throw new IllegalArgumentException(modulePath + ": " + n + " rows != batch·seq " + batch * seq);
        this.batch = batch;
        this.seq = seq;
        Tensor queries = proj("q_proj").forward(x);
        Tensor keys = proj("k_proj").forward(x);
        values = proj("v_proj").forward(x);
        allocateForward(n);
        rope.ensurePositions(seq);

        float[] qp = queries.data, kp = keys.data;
        Parallel.forEach(batch * kvHeads, task -> rotateKeys(kp, task / kvHeads, task % kvHeads));
        forEachChunk(batch * heads, (task, w) -> attendOneHead(qp, task / heads, task % heads, w));
        return proj("o_proj").forward(context);
    }

    private void allocateForward(int n) {
        rotatedQueries = Buffers.array(rotatedQueries, n * queryDim);
        rotatedKeys = Buffers.array(rotatedKeys, n * kvDim);
        logSumExp = Buffers.array(logSumExp, batch * heads * seq);
        context = Buffers.matrix(context, n, queryDim);
    }

    private void rotateKeys(float[] keys, int b, int g) {
        int dst = (b * kvHeads + g) * seq * headDim;
        for (int t = 0; t < seq; t++) {
            rope.rotate(keys, (b * seq + t) * kvDim + g * headDim, rotatedKeys, dst + t * headDim, t);
        }
    }

    /** Runs tasks 0 … count−1 in one chunk per thread, each chunk with its own score scratch. */
    private void forEachChunk(int count, ChunkTask body) {
        int chunks = Math.max(1, Math.min(Parallel.threads(), count));
        if (scratch.length < chunks) {
            TiledAttention.Scratch[] grown = Arrays.copyOf(scratch, chunks);
            for (int c = scratch.length; c < chunks; c++) grown[c] = new TiledAttention.Scratch();
            scratch = grown;
        }
        TiledAttention.Scratch[] w = scratch;
        Parallel.forEachTask(chunks, c -> {
            for (int task = count * c / chunks, end = count * (c + 1) / chunks; task < end; task++) body.run(task, w[c]);
        });
    }

    private interface ChunkTask {
        void run(int task, TiledAttention.Scratch scratch);
    }

    private void attendOneHead(float[] queries, int b, int h, TiledAttention.Scratch w) {
        int g = h / (heads / kvHeads);
        int qOff = (b * heads + h) * seq * headDim;
        int kOff = (b * kvHeads + g) * seq * headDim;
        int vOff = b * seq * kvDim + g * headDim;
        int outOff = b * seq * queryDim + h * headDim;
        for (int t = 0; t < seq; t++) {
            rope.rotate(queries, (b * seq + t) * queryDim + h * headDim, rotatedQueries, qOff + t * headDim, t);
        }
        TiledAttention.forward(seq, headDim, scale, new TiledAttention.Rows(rotatedQueries, qOff, headDim),
                new TiledAttention.Rows(rotatedKeys, kOff, headDim), new TiledAttention.Rows(values.data, vOff, kvDim),
                new TiledAttention.Rows(context.data, outOff, queryDim), logSumExp, (b * heads + h) * seq, w);
    }

    /**
     * Inference with a cache: x [n, hidden] are the next n tokens of ONE sequence, at positions
     * cache.length() onwards. Their rotated keys and values are appended to the cache and each
     * token attends to every cached position up to its own. Nothing is kept for backward.
     */
    public Tensor forwardCached(Tensor x, KvCache cache) {
        int n = Shapes.rowsWithColumns(modulePath, x, hidden), start = cache.length();
        if (cache.width != kvDim) throw new IllegalArgumentException(modulePath + ": cache rows hold " + cache.width + ", need " + kvDim);
        cache.reserve(n);
        rope.ensurePositions(start + n);
        float[] q = proj("q_proj").forward(x).data.clone();
        float[] k = proj("k_proj").forward(x).data;
        for (int t = 0; t < n; t++) {
            for (int g = 0; g < kvHeads; g++) rope.rotate(k, t * kvDim + g * headDim, cache.keys, (start + t) * kvDim + g * headDim, start + t);
        }
        System.arraycopy(proj("v_proj").forward(x).data, 0, cache.values, start * kvDim, n * kvDim);
        cache.advance(n);
        Tensor ctx = Tensor.zeros(n, queryDim);
        // Below a thread wake-up's worth of work (short contexts) the heads run on this thread.
        long work = (long) heads * n * (start + n) * headDim;
        if (work < CACHED_PARALLEL_MIN_WORK) for (int h = 0; h < heads; h++) attendCached(q, cache, ctx.data, h, start, n);
        else Parallel.forEach(heads, h -> attendCached(q, cache, ctx.data, h, start, n));
        return proj("o_proj").forward(ctx);
    }

    /** Query head h of the n new tokens against the cache: softmax(scale·q·Kᵀ)·V into ctx. */
    private void attendCached(float[] q, KvCache cache, float[] ctx, int h, int start, int n) {
        int g = h / (heads / kvHeads);
        float[] rq = new float[headDim], p = new float[start + n];
        for (int t = 0; t < n; t++) {
            int pos = start + t;
            rope.rotate(q, t * queryDim + h * headDim, rq, 0, pos);
            for (int j = 0; j <= pos; j++) p[j] = VectorMath.dot(rq, 0, cache.keys, j * kvDim + g * headDim, headDim) * scale;
            float max = VectorMath.max(p, 0, pos + 1);
            float sum = VectorMath.expInPlace(p, 0, pos + 1, max);
            int out = t * queryDim + h * headDim;
            for (int j = 0; j <= pos; j++) VectorMath.axpy(p[j] / sum, cache.values, j * kvDim + g * headDim, ctx, out, headDim);
        }
    }

    /** dy [N, hidden] → dx [N, hidden] (owned by this layer); adds projection gradients. */
    public Tensor backward(Tensor dy) {
        Shapes.requireForward(modulePath, context);
        int n = Shapes.rowsWithColumns(modulePath, dy, hidden);
        if (n != batch * seq) throw new IllegalArgumentException(modulePath + ": dy rows differ from forward");
        Tensor contextGrad = proj("o_proj").backward(dy);
        allocateBackward(n);
        Arrays.fill(rotatedKeyGrads, 0f);
        valueGrads.zero();
        float[] dContext = contextGrad.data;
        forEachChunk(batch * kvHeads, (task, w) -> backwardOneKvGroup(dContext, task / kvHeads, task % kvHeads, w));

        Tensor dxQ = proj("q_proj").backward(queryGrads);
        System.arraycopy(dxQ.data, 0, inputGrad.data, 0, inputGrad.data.length);
        VectorMath.addInPlace(inputGrad.data, 0, proj("k_proj").backward(keyGrads).data, 0, inputGrad.data.length);
        VectorMath.addInPlace(inputGrad.data, 0, proj("v_proj").backward(valueGrads).data, 0, inputGrad.data.length);
        return inputGrad;
    }

    private void allocateBackward(int n) {
        rotatedQueryGrads = sharedGrads != null ? sharedGrads.matrix("self_attn.rotatedQueryGrads", n, queryDim).data
                : Buffers.array(rotatedQueryGrads, n * queryDim); // a flat array: head-major, not [N, features]
        rotatedKeyGrads = sharedGrads != null ? sharedGrads.matrix("self_attn.rotatedKeyGrads", n, kvDim).data
                : Buffers.array(rotatedKeyGrads, n * kvDim);
        queryGrads = SharedGradientBuffers.matrix(sharedGrads, queryGrads, "self_attn.queryGrads", n, queryDim);
        keyGrads = SharedGradientBuffers.matrix(sharedGrads, keyGrads, "self_attn.keyGrads", n, kvDim);
        valueGrads = SharedGradientBuffers.matrix(sharedGrads, valueGrads, "self_attn.valueGrads", n, kvDim);
        inputGrad = SharedGradientBuffers.matrix(sharedGrads, inputGrad, "self_attn.inputGrad", n, hidden);
    }

    /** Backward takes its gradient buffers from {@code pool} from now on (see {@link SharedGradientBuffers}); the pool counts them. */
    public void shareGradientBuffers(SharedGradientBuffers pool) {
        this.sharedGrads = pool;
    }

    private void backwardOneKvGroup(float[] dContext, int b, int g, TiledAttention.Scratch w) {
        int group = heads / kvHeads;
        int kOff = (b * kvHeads + g) * seq * headDim;
        int vOff = b * seq * kvDim + g * headDim;
        TiledAttention.Rows k = new TiledAttention.Rows(rotatedKeys, kOff, headDim);
        TiledAttention.Rows v = new TiledAttention.Rows(values.data, vOff, kvDim);
        TiledAttention.Rows dK = new TiledAttention.Rows(rotatedKeyGrads, kOff, headDim);
        TiledAttention.Rows dV = new TiledAttention.Rows(valueGrads.data, vOff, kvDim);
        for (int h = g * group; h < (g + 1) * group; h++) {
            int qOff = (b * heads + h) * seq * headDim;
            int ctxOff = b * seq * queryDim + h * headDim;
            TiledAttention.backward(seq, headDim, scale, new TiledAttention.Rows(rotatedQueries, qOff, headDim), k, v,
                    new TiledAttention.Rows(context.data, ctxOff, queryDim), new TiledAttention.Rows(dContext, ctxOff, queryDim),
                    logSumExp, (b * heads + h) * seq, new TiledAttention.Rows(rotatedQueryGrads, qOff, headDim), dK, dV, w);
            for (int t = 0; t < seq; t++) {
                rope.rotateBack(rotatedQueryGrads, qOff + t * headDim, queryGrads.data,
                        (b * seq + t) * queryDim + h * headDim, t);
            }
        }
        for (int t = 0; t < seq; t++) {
            rope.rotateBack(rotatedKeyGrads, kOff + t * headDim, keyGrads.data, (b * seq + t) * kvDim + g * headDim, t);
        }
    }

    /**
     * Bytes kept from forward for backward and the gradient buffers backward fills, including the
     * projections' own.
     */
    public long activationBytes() {
        long bytes = Buffers.bytes(rotatedQueries) + Buffers.bytes(rotatedKeys) + Buffers.bytes(logSumExp)
                + Buffers.bytes(context);
        if (sharedGrads == null) {
            bytes += Buffers.bytes(rotatedQueryGrads) + Buffers.bytes(rotatedKeyGrads) + Buffers.bytes(queryGrads)
                    + Buffers.bytes(keyGrads) + Buffers.bytes(valueGrads) + Buffers.bytes(inputGrad);
        }
        for (TiledAttention.Scratch w : scratch) bytes += w.bytes();
        for (LinearLayer l : projections.values()) bytes += l.activationBytes();
        return bytes;
    }
}
