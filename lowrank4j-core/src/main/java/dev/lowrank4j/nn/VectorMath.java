package dev.lowrank4j.nn;

import dev.lowrank4j.kernels.ExactRepeatableMath;
import dev.lowrank4j.kernels.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized loops over float arrays that the layers share (softmax, log-sum-exp, SiLU, norms).
 * Exponentials are vectorized because scalar {@code Math.exp} over the 4M logits of one training
 * step costs tens of milliseconds, while the lane-wise version costs about one. Every method
 * handles any length: the vector loop covers the bulk and a scalar loop the tail. Exponentials
 * and sums go through {@link ExactRepeatableMath}, so results never depend on the JIT tier.
 */
public final class VectorMath {
    static final VectorSpecies<Float> SPECIES = ExactRepeatableMath.SPECIES;
    private static final int LANES = SPECIES.length();

    private VectorMath() {}

    /** Largest of a[off .. off+len); -infinity when len is 0. */
    public static float max(float[] a, int off, int len) {
        int i = 0;
        float best = Float.NEGATIVE_INFINITY;
        if (len >= LANES) {
            // Four independent chains over the bulk: a vector max has several cycles of latency,
            // and one chain left the logits' max at half the speed of the memory reads.
            FloatVector acc0 = FloatVector.fromArray(SPECIES, a, off), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (i = LANES; i <= len - 4 * LANES; i += 4 * LANES) {
                acc0 = acc0.max(FloatVector.fromArray(SPECIES, a, off + i));
                acc1 = acc1.max(FloatVector.fromArray(SPECIES, a, off + i + LANES));
                acc2 = acc2.max(FloatVector.fromArray(SPECIES, a, off + i + 2 * LANES));
                acc3 = acc3.max(FloatVector.fromArray(SPECIES, a, off + i + 3 * LANES));
            }
            for (; i <= len - LANES; i += LANES) acc0 = acc0.max(FloatVector.fromArray(SPECIES, a, off + i));
            best = acc0.max(acc1).max(acc2.max(acc3)).reduceLanes(VectorOperators.MAX);
        }
        for (; i < len; i++) best = Math.max(best, a[off + i]);
        return best;
    }

    /** Sum of exp(a[i] − shift) over the range, without writing anything. */
    public static float sumExp(float[] a, int off, int len, float shift) {
        int i = 0;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (; i <= len - LANES; i += LANES) {
            acc = acc.add(ExactRepeatableMath.exp(FloatVector.fromArray(SPECIES, a, off + i).sub(shift)));
        }
        float sum = Lanes.sum(acc);
        for (; i < len; i++) sum += ExactRepeatableMath.exp(a[off + i] - shift);
        return sum;
    }

    /** a[i] = exp(a[i] − shift) in place; returns the sum of the new values. */
    public static float expInPlace(float[] a, int off, int len, float shift) {
        int i = 0;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (; i <= len - LANES; i += LANES) {
            FloatVector e = ExactRepeatableMath.exp(FloatVector.fromArray(SPECIES, a, off + i).sub(shift));
            e.intoArray(a, off + i);
            acc = acc.add(e);
        }
        float sum = Lanes.sum(acc);
        for (; i < len; i++) {
            float e = ExactRepeatableMath.exp(a[off + i] - shift);
            a[off + i] = e;
            sum += e;
        }
        return sum;
    }

    /** dst[i] = scale · exp(src[i] − shift): the softmax gradient row of cross-entropy. */
    public static void scaledExp(float[] src, int srcOff, float[] dst, int dstOff, int len, float shift, float scale) {
        int i = 0;
        for (; i <= len - LANES; i += LANES) {
            ExactRepeatableMath.exp(FloatVector.fromArray(SPECIES, src, srcOff + i).sub(shift))
                    .mul(scale).intoArray(dst, dstOff + i);
        }
        for (; i < len; i++) dst[dstOff + i] = scale * ExactRepeatableMath.exp(src[srcOff + i] - shift);
    }

    /** Σ a[i]·b[i]. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        int i = 0;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (; i <= len - LANES; i += LANES) {
            acc = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc);
        }
        float sum = Lanes.sum(acc);
        for (; i < len; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    /** y[i] += a·x[i], fused (one rounding) in the lanes and the tail alike. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(SPECIES, a);
        for (; i <= len - LANES; i += LANES) {
            FloatVector.fromArray(SPECIES, x, xOff + i).fma(va, FloatVector.fromArray(SPECIES, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
    }

    /** ds[i] = p[i] · (ds[i] − rowDot): one row of the softmax backward, in place on dP. */
    public static void softmaxBackwardRow(float[] p, int pOff, float[] ds, int dsOff, int len, float rowDot) {
        int i = 0;
        for (; i <= len - LANES; i += LANES) {
            FloatVector.fromArray(SPECIES, ds, dsOff + i).sub(rowDot).mul(FloatVector.fromArray(SPECIES, p, pOff + i))
                    .intoArray(ds, dsOff + i);
        }
        for (; i < len; i++) ds[dsOff + i] = p[pOff + i] * (ds[dsOff + i] - rowDot);
    }

    /** a[i] *= s. */
    public static void scale(float[] a, int off, int len, float s) {
        int i = 0;
        for (; i <= len - LANES; i += LANES) {
            FloatVector.fromArray(SPECIES, a, off + i).mul(s).intoArray(a, off + i);
        }
        for (; i < len; i++) a[off + i] *= s;
    }

    /** y[i] += x[i]. */
    public static void addInPlace(float[] y, int yOff, float[] x, int xOff, int len) {
        int i = 0;
        for (; i <= len - LANES; i += LANES) {
            FloatVector.fromArray(SPECIES, y, yOff + i).add(FloatVector.fromArray(SPECIES, x, xOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < len; i++) y[yOff + i] += x[xOff + i];
    }

    /** out[i] = a[i] + b[i]. */
    public static void add(float[] a, float[] b, float[] out, int len) {
        int i = 0;
        for (; i <= len - LANES; i += LANES) {
            FloatVector.fromArray(SPECIES, a, i).add(FloatVector.fromArray(SPECIES, b, i)).intoArray(out, i);
        }
        for (; i < len; i++) out[i] = a[i] + b[i];
    }

    /**
     * dx[i] = g[i] where y[i] > 0, else 0 (NaN in y counts as not positive): ReLU's backward. With
     * masks rather than a branch, because on real activations the sign is a coin toss: the
     * branchy loop cost 2.85 ms on LeNet5's conv1 activation at batch 64 (64×20×24×24), the
     * masked one 0.30 ms.
     */
    public static void passWherePositive(float[] y, float[] g, float[] dx, int len) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i <= len - LANES; i += LANES) {
            FloatVector yv = FloatVector.fromArray(SPECIES, y, i);
            zero.blend(FloatVector.fromArray(SPECIES, g, i), yv.compare(VectorOperators.GT, 0f)).intoArray(dx, i);
        }
        for (; i < len; i++) dx[i] = y[i] > 0f ? g[i] : 0f;
    }
}
