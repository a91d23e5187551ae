package dev.lowrank4j.kernels;

/** Plain-loop reference for {@link VectorOps}; {@link SimdOps} is tested against it. */
public final class ScalarOps implements VectorOps {
    /** Elements summed in float before the partial sum moves to double (same as SimdOps). */
    static final int SUM_BLOCK = 1024;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void scale(float[] x, int xOff, float alpha, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = alpha * x[xOff + i];
    }

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = a[aOff + i] + b[bOff + i];
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = a[aOff + i] * b[bOff + i];
    }

    @Override
    public double sum(float[] x, int xOff, int n) {
        double total = 0;
        for (int start = 0; start < n; start += SUM_BLOCK) {
            float s = 0f;
            for (int i = start, end = Math.min(n, start + SUM_BLOCK); i < end; i++) s += x[xOff + i];
            total += s;
        }
        return total;
    }

    @Override
    public double sumOfSquares(float[] x, int xOff, int n) {
        double total = 0;
        for (int start = 0; start < n; start += SUM_BLOCK) {
            float s = 0f;
            for (int i = start, end = Math.min(n, start + SUM_BLOCK); i < end; i++) {
                float v = x[xOff + i];
                s += v * v;
            }
            total += s;
        }
        return total;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[xOff + i]);
        return m;
    }

    @Override
    public void silu(float[] x, int xOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            dst[dstOff + i] = v / (1f + (float) Math.exp(-v));
        }
    }

    @Override
    public void siluBackward(float[] x, int xOff, float[] gradOut, int gradOutOff, float[] gradIn, int gradInOff,
                             int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            float sig = 1f / (1f + (float) Math.exp(-v));
            gradIn[gradInOff + i] = gradOut[gradOutOff + i] * (sig * (1f + v * (1f - sig)));
        }
    }

    @Override
    public void softmax(float[] x, int xOff, float[] dst, int dstOff, int n) {
        float max = max(x, xOff, n);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - max);
            dst[dstOff + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) dst[dstOff + i] *= inv;
    }

    @Override
    public void adamW(float[] p, float[] g, float[] m, float[] v, int off, int n, AdamWStep s) {
        float oneMinusBeta1 = 1f - s.beta1(), oneMinusBeta2 = 1f - s.beta2();
        for (int i = off, end = off + n; i < end; i++) {
            float gi = g[i];
            float mi = m[i] + oneMinusBeta1 * (gi - m[i]);
            float vi = s.beta2() * v[i] + oneMinusBeta2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / s.sqrtBias2() + s.eps();
            p[i] = p[i] * s.decayFactor() - s.stepSize() * (mi / denom);
        }
    }

    @Override
    public void adamDirection(float[] g, float[] m, float[] v, float[] out, int off, int n, AdamDirection d) {
        float c1 = 1f - d.beta1(), c2 = 1f - d.beta2();
        for (int i = off, end = off + n; i < end; i++) {
            float gi = g[i];
            float mi = d.lerpMoments() ? m[i] + c1 * (gi - m[i]) : d.beta1() * m[i] + c1 * gi;
            float vi = d.beta2() * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            out[i] = mi * d.scale1() / ((float) Math.sqrt(vi) / d.sqrtBias2() + d.eps());
        }
    }
}
