package dev.lowrank4j.nn;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tensor.Tensor;

/**
 * Softmax cross-entropy of logits [N, V] against integer targets, averaged over the rows whose
 * target is not {@link #IGNORE_INDEX}. Each row uses the stable form lse = m + log Σ exp(z − m)
 * with m the row maximum; the gradient is (softmax − onehot) / count, and 0 on ignored rows.
 *
 * <p>Per-row losses are summed in double in row order, so the result does not depend on the
 * thread count. When every target is ignored the loss is 0 and the gradient is 0 (an empty batch
 * contributes nothing rather than a NaN).
 */
public final class CrossEntropyLoss {
    public static final int IGNORE_INDEX = -1;

    private Tensor logits;
    private int[] targets;
    private float[] logSumExp;
    private float[] rowLoss;
    private int counted;
    private Tensor logitsGrad;

    /** Mean loss; keeps references to logits and targets (leave both unchanged until {@link #backward()}). */
    public float forward(Tensor logits, int[] targets) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("cross-entropy: logits must be [N, vocab], got " + java.util.Arrays.toString(logits.shape()));
        }
        int n = logits.dim(0), vocab = logits.dim(1);
        if (targets.length != n) {
            throw new IllegalArgumentException("cross-entropy: " + targets.length + " targets for " + n + " rows");
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t == IGNORE_INDEX) continue;
            if (t < 0 || t >= vocab) {
                throw new Lowrank4jException("target id " + t + " at position " + i
                        + " is out of range for vocabulary size " + vocab + " (use " + IGNORE_INDEX + " to ignore a position)");
            }
            count++;
        }
        this.logits = logits;
        this.targets = targets;
        this.counted = count;
        logSumExp = Buffers.array(logSumExp, n);
        rowLoss = Buffers.array(rowLoss, n);
        float[] z = logits.data, lse = logSumExp, loss = rowLoss;
        Parallel.forEach(n, row -> {
            int off = row * vocab;
            float max = VectorMath.max(z, off, vocab);
            lse[row] = max + (float) Math.log(VectorMath.sumExp(z, off, vocab, max));
            int t = targets[row];
            loss[row] = t == IGNORE_INDEX ? 0f : lse[row] - z[off + t];
        });
        if (count == 0) return 0f;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += loss[i];
        return (float) (sum / count);
    }

    /** dLoss/dlogits for the last forward; a buffer owned by this object, valid until the next backward. */
    public Tensor backward() {
        Shapes.requireForward("cross-entropy", logits);
        logitsGrad = Buffers.matrix(logitsGrad, logits.dim(0), logits.dim(1));
        gradientInto(logitsGrad);
        return logitsGrad;
    }

    /**
     * {@link #backward()} written over the logits of the last forward, which training does not
     * read again: no second [N, vocab] buffer (131 MB for the 60M LLaMA's batch of 1024 tokens).
     * The logits are gone afterwards.
     */
    public Tensor backwardOverLogits() {
        Shapes.requireForward("cross-entropy", logits);
        logitsGrad = null;
        gradientInto(logits);
        return logits;
    }

    /** (softmax − onehot) / count per row into dst, which may be the logits themselves (element i read before it is written). */
    private void gradientInto(Tensor dst) {
        int n = logits.dim(0), vocab = logits.dim(1);
        float[] z = logits.data, lse = logSumExp, dz = dst.data;
        float invCount = counted == 0 ? 0f : 1f / counted;
        Parallel.forEach(n, row -> {
            int off = row * vocab, t = targets[row];
            if (t == IGNORE_INDEX) {
                java.util.Arrays.fill(dz, off, off + vocab, 0f);
                return;
            }
            VectorMath.scaledExp(z, off, dz, off, vocab, lse[row], invCount);
            dz[off + t] -= invCount;
        });
    }

    /** Number of rows that counted towards the last mean. */
    public int countedTargets() {
        return counted;
    }

    /** Row statistics kept for backward, and the logits' gradient backward writes. */
    public long activationBytes() {
        return Buffers.bytes(logSumExp) + Buffers.bytes(rowLoss) + Buffers.bytes(logitsGrad);
    }
}
