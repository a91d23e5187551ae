package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.ScalarOps.SUM_BLOCK;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API implementation of {@link VectorOps}: a full-vector main loop, then the scalar
 * reference for the tail. Reductions keep several accumulators so consecutive adds do not wait
 * on each other, and add the lanes up with {@link Lanes#sum} so results do not change with JIT
 * state. AdamW uses no fused multiply-add, so it matches {@link ScalarOps} bit for bit.
 */
public final class SimdOps implements VectorOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ScalarOps TAIL = new ScalarOps();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        float s = 0f;
        if (n >= 2 * L) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
            for (; i <= n - 2 * L; i += 2 * L) {
                acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
                acc1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), acc1);
            }
            s = Lanes.sum(acc0.add(acc1));
        }
        return s + TAIL.dot(a, aOff + i, b, bOff + i, n - i);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        TAIL.axpy(alpha, x, xOff + i, y, yOff + i, n - i);
    }

    @Override
    public void scale(float[] x, int xOff, float alpha, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(dst, dstOff + i);
        TAIL.scale(x, xOff + i, alpha, dst, dstOff + i, n - i);
    }

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(dst, dstOff + i);
        }
        TAIL.add(a, aOff + i, b, bOff + i, dst, dstOff + i, n - i);
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(dst, dstOff + i);
        }
        TAIL.mul(a, aOff + i, b, bOff + i, dst, dstOff + i, n - i);
    }

    @Override
    public double sum(float[] x, int xOff, int n) {
        double total = 0;
        for (int start = 0; start < n; start += SUM_BLOCK) {
            int len = Math.min(SUM_BLOCK, n - start), o = xOff + start, i = 0;
            FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
            for (; i <= len - 2 * L; i += 2 * L) {
                acc0 = acc0.add(FloatVector.fromArray(S, x, o + i));
                acc1 = acc1.add(FloatVector.fromArray(S, x, o + i + L));
            }
            float s = Lanes.sum(acc0.add(acc1));
            for (; i < len; i++) s += x[o + i];
            total += s;
        }
        return total;
    }

    @Override
    public double sumOfSquares(float[] x, int xOff, int n) {
        double total = 0;
        for (int start = 0; start < n; start += SUM_BLOCK) {
            int len = Math.min(SUM_BLOCK, n - start), o = xOff + start, i = 0;
            FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
            for (; i <= len - 2 * L; i += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(S, x, o + i), v1 = FloatVector.fromArray(S, x, o + i + L);
                acc0 = v0.fma(v0, acc0);
                acc1 = v1.fma(v1, acc1);
            }
            float s = Lanes.sum(acc0.add(acc1));
            for (; i < len; i++) s += x[o + i] * x[o + i];
            total += s;
        }
        return total;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i <= n - L; i += L) acc = acc.max(FloatVector.fromArray(S, x, xOff + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        return Math.max(m, TAIL.max(x, xOff + i, n - i));
    }

    @Override
    public void silu(float[] x, int xOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            v.div(ExactRepeatableMath.exp(v.neg()).add(1f)).intoArray(dst, dstOff + i);
        }
        TAIL.silu(x, xOff + i, dst, dstOff + i, n - i);
    }

    @Override
    public void siluBackward(float[] x, int xOff, float[] gradOut, int gradOutOff, float[] gradIn, int gradInOff,
                             int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector sig = ONE.div(ExactRepeatableMath.exp(v.neg()).add(1f));
            FloatVector slope = sig.mul(v.mul(sig.neg().add(1f)).add(1f));
            FloatVector.fromArray(S, gradOut, gradOutOff + i).mul(slope).intoArray(gradIn, gradInOff + i);
        }
        TAIL.siluBackward(x, xOff + i, gradOut, gradOutOff + i, gradIn, gradInOff + i, n - i);
    }

    @Override
    public void softmax(float[] x, int xOff, float[] dst, int dstOff, int n) {
        float max = max(x, xOff, n);
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; i <= n - L; i += L) {
            FloatVector e = ExactRepeatableMath.exp(FloatVector.fromArray(S, x, xOff + i).sub(max));
            e.intoArray(dst, dstOff + i);
            acc = acc.add(e);
        }
        float sum = Lanes.sum(acc);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - max);
            dst[dstOff + i] = e;
            sum += e;
        }
        scale(dst, dstOff, 1f / sum, dst, dstOff, n);
    }

    @Override
    public void adamW(float[] p, float[] g, float[] m, float[] v, int off, int n, AdamWStep s) {
        float oneMinusBeta1 = 1f - s.beta1(), oneMinusBeta2 = 1f - s.beta2();
        int i = 0;
        for (; i <= n - L; i += L) {
            int o = off + i;
            FloatVector gi = FloatVector.fromArray(S, g, o);
            FloatVector mi = FloatVector.fromArray(S, m, o);
            mi = mi.add(gi.sub(mi).mul(oneMinusBeta1));
            FloatVector vi = FloatVector.fromArray(S, v, o).mul(s.beta2()).add(gi.mul(gi).mul(oneMinusBeta2));
            mi.intoArray(m, o);
            vi.intoArray(v, o);
            FloatVector denom = vi.sqrt().div(s.sqrtBias2()).add(s.eps());
            FloatVector pi = FloatVector.fromArray(S, p, o).mul(s.decayFactor());
            pi.sub(mi.div(denom).mul(s.stepSize())).intoArray(p, o);
        }
        TAIL.adamW(p, g, m, v, off + i, n - i, s);
    }

    @Override
    public void adamDirection(float[] g, float[] m, float[] v, float[] out, int off, int n, AdamDirection d) {
        float c1 = 1f - d.beta1(), c2 = 1f - d.beta2();
        int i = 0;
        for (; i <= n - L; i += L) {
            int o = off + i;
            FloatVector gi = FloatVector.fromArray(S, g, o);
            FloatVector mi = FloatVector.fromArray(S, m, o);
            mi = d.lerpMoments() ? mi.add(gi.sub(mi).mul(c1)) : mi.mul(d.beta1()).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromArray(S, v, o).mul(d.beta2()).add(gi.mul(c2).mul(gi));
            mi.intoArray(m, o);
            vi.intoArray(v, o);
            mi.mul(d.scale1()).div(vi.sqrt().div(d.sqrtBias2()).add(d.eps())).intoArray(out, o);
        }
        TAIL.adamDirection(g, m, v, out, off + i, n - i, d);
    }
}
