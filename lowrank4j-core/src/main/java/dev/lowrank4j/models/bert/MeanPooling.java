package dev.lowrank4j.models.bert;

import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.tensor.Tensor;

/**
 * Masked mean over each sequence's real tokens, as sentence-transformers' Pooling(mean) does:
 * e_b = Σ_t m_bt·h_bt / Σ_t m_bt. The same value langchain4j's MiniLM wrapper computes, since it
 * feeds one unpadded sequence at a time and averages every position.
 *
 * <p>Backward: dh_bt = m_bt · de_b / Σ_t m_bt (padding positions get exactly zero).
 */
public final class MeanPooling {
    private int[] mask;
    private int batch;
    private int seq;
    private float[] inverseCounts;
    private Tensor output;
    private Tensor inputGrad;

    /** hidden [batch·seq, H] with mask [batch·seq] (null = all tokens) → [batch, H] (owned by this object). */
    public Tensor forward(Tensor hidden, int[] attentionMask, int batch, int seq) {
        if (hidden.rank() != 2 || hidden.dim(0) != batch * seq) {
            throw new IllegalArgumentException("mean pooling: expected [" + batch * seq + ", H], got "
                    + java.util.Arrays.toString(hidden.shape()));
        }
        PaddingMask padding = PaddingMask.of(attentionMask, batch, seq);
        int dim = hidden.dim(1);
        this.mask = padding.mask;
        this.batch = batch;
        this.seq = seq;
        inverseCounts = Buffers.array(inverseCounts, batch);
        output = Buffers.matrix(output, batch, dim);
        float[] x = hidden.data, y = output.data;
        for (int b = 0; b < batch; b++) {
            float inv = 1f / padding.count[b]; // PaddingMask guarantees count ≥ 1
            inverseCounts[b] = inv;
            int yOff = b * dim;
            java.util.Arrays.fill(y, yOff, yOff + dim, 0f);
            for (int t = 0; t < seq; t++) {
                if (mask[b * seq + t] == 0) continue;
                int xOff = (b * seq + t) * dim;
                for (int j = 0; j < dim; j++) y[yOff + j] += x[xOff + j];
            }
            for (int j = 0; j < dim; j++) y[yOff + j] *= inv;
        }
        return output;
    }

    /** dPooled [batch, H] → dHidden [batch·seq, H] (owned by this object). */
    public Tensor backward(Tensor pooledGrad) {
        Checks.forwardDone("mean pooling", output);
        if (!pooledGrad.sameShape(output.shape())) throw new IllegalArgumentException("mean pooling: gradient shape");
        int dim = output.dim(1);
        inputGrad = Buffers.matrix(inputGrad, batch * seq, dim);
        float[] g = pooledGrad.data, dx = inputGrad.data;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                int row = (b * seq + t) * dim;
                if (mask[b * seq + t] == 0) {
                    java.util.Arrays.fill(dx, row, row + dim, 0f);
                } else {
                    for (int j = 0; j < dim; j++) dx[row + j] = g[b * dim + j] * inverseCounts[b];
                }
            }
        }
        return inputGrad;
    }
}
