package dev.lowrank4j.kernels;

/**
 * Element-wise and reduction kernels used by layers and optimizers. Every array argument comes
 * with an offset and all ranges have length n. Two implementations: {@link ScalarOps} (plain
 * loops, the reference) and {@link SimdOps} (Vector API); get the configured one from
 * {@link Ops#get()}. Unless stated, dst may be the same range as an input (in-place), but not a
 * partially overlapping one.
 */
public interface VectorOps {
    /** "scalar" or "simd". */
    String name();

    /** Σ a[i]·b[i]. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** y += alpha·x. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** dst = alpha·x. */
    void scale(float[] x, int xOff, float alpha, float[] dst, int dstOff, int n);

    /** dst = a + b. */
    void add(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n);

    /** dst = a · b (element-wise). */
    void mul(float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n);

    /** Σ x[i], accumulated in blocks of float then double so long ranges stay accurate. */
    double sum(float[] x, int xOff, int n);

    /** Σ x[i]², accumulated like {@link #sum} (gradient norms run over millions of values). */
    double sumOfSquares(float[] x, int xOff, int n);

    /** max x[i]; negative infinity for n = 0. NaN inputs give an unspecified result. */
    float max(float[] x, int xOff, int n);

    /** dst = silu(x) = x·σ(x). */
    void silu(float[] x, int xOff, float[] dst, int dstOff, int n);

    /**
     * gradIn = gradOut · silu'(x), with silu'(x) = σ(x)·(1 + x·(1 − σ(x))). gradIn may alias
     * gradOut.
     */
    void siluBackward(float[] x, int xOff, float[] gradOut, int gradOutOff, float[] gradIn, int gradInOff,
                      int n);

    /** dst = softmax(x) = exp(x − max x) / Σ exp(x − max x); n ≥ 1. */
    void softmax(float[] x, int xOff, float[] dst, int dstOff, int n);

    /**
     * One torch.optim.AdamW step over parameters p with gradient g and moments m, v (all at the
     * same offset), in torch's order:
     * <pre>
     *   p ← p · decayFactor
     *   m ← m + (1 − β1)·(g − m)            (torch's lerp; equals β1·m + (1 − β1)·g)
     *   v ← β2·v + (1 − β2)·g²
     *   p ← p − stepSize · m / (√v / sqrtBias2 + eps)
     * </pre>
     * Build the scalars with {@link AdamWStep#torch}.
     */
    void adamW(float[] p, float[] g, float[] m, float[] v, int off, int n, AdamWStep step);

    /**
     * Adam's moment update and direction (see {@link AdamDirection}): m and v updated from g in
     * place, out[off..off+n) = (m·scale1) / (√v / sqrtBias2 + eps). The caller applies the step size.
     */
    void adamDirection(float[] g, float[] m, float[] v, float[] out, int off, int n, AdamDirection d);
}
