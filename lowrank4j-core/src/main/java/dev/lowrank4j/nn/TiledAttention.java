package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.ExactRepeatableMath;
import dev.lowrank4j.kernels.Gemm;

import java.util.Arrays;

/**
 * Causal softmax attention of one head without the T×T probability matrix (FlashAttention's
 * idea, on the CPU): queries go in blocks of {@link #ROW_BLOCK} rows, keys in blocks of
 * {@link #KEY_BLOCK}, and each query row keeps a running maximum m and denominator l (the online
 * softmax) so its output can be rescaled as later key blocks arrive. Forward keeps only
 * logsumexp(row) = m + log l per query; backward recomputes each probability block from it
 * instead of reading B·H·T² stored probabilities.
 *
 * <p>With P = softmax(S), S = scale·Q·Kᵀ (causal), O = P·V and D = rowsum(dO ⊙ O):
 * dV += Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − D), dQ += scale·dS·K, dK += scale·dSᵀ·Q, block by block.
 *
 * <p>Matrices are addressed as (array, offset of row 0, row stride), so the caller's layouts (a
 * head's columns inside [N, H·d] rows, or head-major [T, d] blocks) are read in place. One
 * {@link Scratch} per thread holds the two score-sized blocks; nothing else is allocated.
 */
final class TiledAttention {
    /**
     * Query rows per block. Blocks of 64 keep the score GEMMs large enough for the kernel; the
     * per-block scratch (two {@code ROW_BLOCK × KEY_BLOCK} floats, 64 KiB) stays in L2.
     */
    static final int ROW_BLOCK = Integer.getInteger("lowrank4j.attention.rowBlock", 64);
    /** Keys per block: how often a row's running softmax is rescaled (once per block). */
    static final int KEY_BLOCK = Integer.getInteger("lowrank4j.attention.keyBlock", 128);

    private TiledAttention() {}

    /** Score-sized work space of one thread. */
    static final class Scratch {
        final float[] scores = new float[ROW_BLOCK * KEY_BLOCK];
        final float[] scoreGrads = new float[ROW_BLOCK * KEY_BLOCK];
        final float[] rowMax = new float[ROW_BLOCK];
        final float[] rowSum = new float[ROW_BLOCK];
        final float[] rowDot = new float[ROW_BLOCK];

        long bytes() {
            return Float.BYTES * ((long) scores.length + scoreGrads.length + rowMax.length + rowSum.length + rowDot.length);
        }
    }

    /** Rows [off, off + rows·ld) of a matrix with row stride ld. */
    record Rows(float[] a, int off, int ld) {
        int at(int row) {
            return off + row * ld;
        }
    }

    /**
     * O = softmax(scale·Q·Kᵀ, causal)·V for one head of one sequence of length seq (Q, K [seq, d]
     * rotated; V [seq, d]); writes O and logsumexp[t] (scale·q_t·k_j over j ≤ t) at lse[lseOff + t].
     */
    static void forward(int seq, int d, float scale, Rows q, Rows k, Rows v, Rows o, float[] lse, int lseOff, Scratch w) {
        float[] s = w.scores, m = w.rowMax, l = w.rowSum;
        for (int r0 = 0; r0 < seq; r0 += ROW_BLOCK) {
            int r1 = Math.min(seq, r0 + ROW_BLOCK), rows = r1 - r0;
            Arrays.fill(m, 0, rows, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0, rows, 0f);
            for (int c0 = 0; c0 < r1; c0 += KEY_BLOCK) { // causal: no key after the block's last row
                int c1 = Math.min(r1, c0 + KEY_BLOCK), cols = c1 - c0;
                Gemm.sgemm(false, true, rows, cols, d, scale, q.a, q.at(r0), q.ld, k.a, k.at(c0), k.ld, 0f, s, 0, KEY_BLOCK);
                for (int i = 0; i < rows; i++) {
                    int row = i * KEY_BLOCK, visible = visibleKeys(r0 + i, c0, cols);
                    if (visible == 0) { // every key of this block is after the query: nothing changes
                        Arrays.fill(s, row, row + cols, 0f);
                        continue;
                    }
                    float newMax = Math.max(m[i], VectorMath.max(s, row, visible));
                    float rescale = ExactRepeatableMath.exp(m[i] - newMax); // exp(−∞) = 0 on the first block
                    l[i] = l[i] * rescale + VectorMath.expInPlace(s, row, visible, newMax);
                    Arrays.fill(s, row + visible, row + cols, 0f);
                    m[i] = newMax;
                    if (c0 > 0) VectorMath.scale(o.a, o.at(r0 + i), d, rescale);
                }
                Gemm.sgemm(false, false, rows, d, cols, 1f, s, 0, KEY_BLOCK, v.a, v.at(c0), v.ld,
                        c0 == 0 ? 0f : 1f, o.a, o.at(r0), o.ld);
            }
            for (int i = 0; i < rows; i++) {
                VectorMath.scale(o.a, o.at(r0 + i), d, 1f / l[i]);
                lse[lseOff + r0 + i] = m[i] + (float) Math.log(l[i]);
            }
        }
    }

    /**
     * Backward of {@link #forward} for one head: adds scale·dSᵀ·Q to dK and Pᵀ·dO to dV (the caller
     * owns them for the whole key/value group) and writes dQ (the unscaled scores' gradient times
     * scale, i.e. the gradient of the rotated queries).
     */
    static void backward(int seq, int d, float scale, Rows q, Rows k, Rows v, Rows o, Rows dO, float[] lse, int lseOff,
                         Rows dQ, Rows dK, Rows dV, Scratch w) {
        float[] p = w.scores, ds = w.scoreGrads, rowDot = w.rowDot;
        for (int r0 = 0; r0 < seq; r0 += ROW_BLOCK) {
            int r1 = Math.min(seq, r0 + ROW_BLOCK), rows = r1 - r0;
            for (int i = 0; i < rows; i++) rowDot[i] = VectorMath.dot(dO.a, dO.at(r0 + i), o.a, o.at(r0 + i), d);
            for (int c0 = 0; c0 < r1; c0 += KEY_BLOCK) {
                int c1 = Math.min(r1, c0 + KEY_BLOCK), cols = c1 - c0;
                // P recomputed from the kept logsumexp: exp(scale·q·k − lse), zero after the query.
                Gemm.sgemm(false, true, rows, cols, d, scale, q.a, q.at(r0), q.ld, k.a, k.at(c0), k.ld, 0f, p, 0, KEY_BLOCK);
                for (int i = 0; i < rows; i++) {
                    int row = i * KEY_BLOCK, visible = visibleKeys(r0 + i, c0, cols);
                    VectorMath.expInPlace(p, row, visible, lse[lseOff + r0 + i]);
                    Arrays.fill(p, row + visible, row + cols, 0f);
                }
                Gemm.sgemm(true, false, cols, d, rows, 1f, p, 0, KEY_BLOCK, dO.a, dO.at(r0), dO.ld, 1f, dV.a, dV.at(c0), dV.ld);
                Gemm.sgemm(false, true, rows, cols, d, 1f, dO.a, dO.at(r0), dO.ld, v.a, v.at(c0), v.ld, 0f, ds, 0, KEY_BLOCK);
                for (int i = 0; i < rows; i++) {
                    VectorMath.softmaxBackwardRow(p, i * KEY_BLOCK, ds, i * KEY_BLOCK, cols, rowDot[i]);
                }
                Gemm.sgemm(false, false, rows, d, cols, scale, ds, 0, KEY_BLOCK, k.a, k.at(c0), k.ld,
                        c0 == 0 ? 0f : 1f, dQ.a, dQ.at(r0), dQ.ld);
                Gemm.sgemm(true, false, cols, d, rows, scale, ds, 0, KEY_BLOCK, q.a, q.at(r0), q.ld, 1f, dK.a, dK.at(c0), dK.ld);
            }
        }
    }

    /** Keys c0 … c0+cols−1 that query position t may see (those ≤ t). */
    private static int visibleKeys(int t, int c0, int cols) {
        return Math.max(0, Math.min(cols, t - c0 + 1));
    }
}
