package dev.lowrank4j.dlrt;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.Shapes;
import dev.lowrank4j.nn.VectorMath;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear map y = x·Wᵀ + b whose weight W = U·S·Vᵀ (m×n) is kept only as its factors: U [m, a]
 * and V [n, b] with orthonormal columns and S [a, b] (ALGORITHMS.md §6(a)). The forward is
 * ((x·V)·Sᵀ)·Uᵀ + b, so W is never formed. Between DLRT steps a = b = the rank; inside the
 * rank-adaptive step S is briefly the augmented (up to 2r×2r, rectangular when 2r exceeds m or
 * n) coefficient matrix.
 *
 * <p>Standing in a {@link dev.lowrank4j.nn.Conv2d} as its projection this is DLRT's low-rank
 * convolution: the kernel reshaped to out × (in·k·k), applied to im2col patch rows.
 *
 * <p>What backward writes depends on the {@link Phase} the integrator set, because KLS needs
 * different gradients in its two passes and none of them is ∂L/∂U:
 * <ul>
 *   <li>{@link Phase#BASES}: {@code U.grad += G·V} (= ∂L/∂K for W = K·Vᵀ) and
 *       {@code V.grad += Gᵀ·U} (= ∂L/∂L for W = U·Lᵀ), with G = ∂L/∂W = dyᵀ·x never formed;</li>
 *   <li>{@link Phase#COEFFICIENTS}: {@code S.grad += Uᵀ·G·V} (= ∂L/∂S);</li>
 *   <li>{@link Phase#ALL}: both (tests).</li>
 * </ul>
 * The bias gradient is always accumulated.
 */
public final class LowRankLinear implements LinearLayer {
    public enum Phase { BASES, COEFFICIENTS, ALL }

    private final String modulePath;
    private final int out, in;
    private final boolean convolution;
    private final Parameter u, s, v;
    private final Parameter bias;
    private Phase phase = Phase.BASES;

    private Tensor input;
    private float[] xv, xvSt, dyU, dyUS;
    private Tensor output, inputGrad;

    /**
     * Factors U [m, a], S [a, b], V [n, b] named {@code path.U}, {@code path.S}, {@code path.V};
     * {@code convolution} marks the projection of a conv layer (one of the authors' rules treats
     * conv and dense layers differently). {@code bias} [m] may be null.
     */
    public LowRankLinear(String modulePath, Tensor u, Tensor s, Tensor v, Parameter bias, boolean convolution) {
        this.modulePath = modulePath;
        this.out = u.dim(0);
        this.in = v.dim(0);
        this.convolution = convolution;
        this.u = new Parameter(modulePath + ".U", u);
        this.s = new Parameter(modulePath + ".S", s);
        this.v = new Parameter(modulePath + ".V", v);
        this.bias = bias;
        checkShapes(u, s, v);
        if (bias != null && !bias.value().sameShape(out)) {
            throw new IllegalArgumentException(bias.name() + ": a bias must be [" + out + "]");
        }
    }

    private void checkShapes(Tensor nu, Tensor ns, Tensor nv) {
        if (nu.rank() != 2 || ns.rank() != 2 || nv.rank() != 2 || nu.dim(0) != out || nv.dim(0) != in
                || ns.dim(0) != nu.dim(1) || ns.dim(1) != nv.dim(1)) {
            throw new IllegalArgumentException(modulePath + ": factors U " + java.util.Arrays.toString(nu.shape()) + ", S "
                    + java.util.Arrays.toString(ns.shape()) + ", V " + java.util.Arrays.toString(nv.shape())
                    + " do not compose a " + out + "x" + in + " weight");
        }
    }

    /** Installs new factors (any inner sizes that compose); gradients restart at zero in the new shapes. */
    public void setFactors(Tensor nu, Tensor ns, Tensor nv) {
        checkShapes(nu, ns, nv);
        u.replace(nu);
        s.replace(ns);
        v.replace(nv);
        input = null; // a cached forward belongs to the old factors
    }

    public void setPhase(Phase p) {
        this.phase = p;
    }

    public Phase phase() {
        return phase;
    }

    public String modulePath() {
        return modulePath;
    }

    public boolean isConvolution() {
        return convolution;
    }

    public Parameter u() {
        return u;
    }

    public Parameter s() {
        return s;
    }

    public Parameter v() {
        return v;
    }

    public Parameter bias() {
        return bias;
    }

    /** The rank between steps (columns of U; equal to those of V then). */
    public int rank() {
        return u.value().dim(1);
    }

    /** W = U·S·Vᵀ [m, n], for tests and export only: training never forms it. */
    public float[] denseWeight() {
        int a = u.value().dim(1), b = v.value().dim(1);
        float[] us = new float[out * b], w = new float[out * in];
        Gemm.sgemm(false, false, out, b, a, 1f, u.data(), 0, a, s.data(), 0, b, 0f, us, 0, b);
        Gemm.sgemm(false, true, out, in, b, 1f, us, 0, b, v.data(), 0, b, 0f, w, 0, in);
        return w;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(List.of(u, s, v));
        if (bias != null) ps.add(bias);
        return ps;
    }

    @Override
    public Tensor forward(Tensor x) {
        int n = Shapes.rowsWithColumns(modulePath, x, in);
        int a = u.value().dim(1), b = v.value().dim(1);
        xv = Buffers.array(xv, n * b);
        xvSt = Buffers.array(xvSt, n * a);
        output = Buffers.matrix(output, n, out);
        Gemm.sgemm(false, false, n, b, in, 1f, x.data, 0, in, v.data(), 0, b, 0f, xv, 0, b);       // x·V
        Gemm.sgemm(false, true, n, a, b, 1f, xv, 0, b, s.data(), 0, b, 0f, xvSt, 0, a);           // ·Sᵀ
        Gemm.sgemm(false, true, n, out, a, 1f, xvSt, 0, a, u.data(), 0, a, 0f, output.data, 0, out); // ·Uᵀ
        if (bias != null) {
            float[] bb = bias.data(), y = output.data;
            for (int r = 0; r < n; r++) VectorMath.addInPlace(y, r * out, bb, 0, out);
        }
        input = x;
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        accumulateParameterGradients(dy);
        int n = dy.dim(0), a = u.value().dim(1), b = v.value().dim(1);
        dyUS = Buffers.array(dyUS, n * b);
        inputGrad = Buffers.matrix(inputGrad, n, in);
        Gemm.sgemm(false, false, n, b, a, 1f, dyU, 0, a, s.data(), 0, b, 0f, dyUS, 0, b);             // (dy·U)·S
        Gemm.sgemm(false, true, n, in, b, 1f, dyUS, 0, b, v.data(), 0, b, 0f, inputGrad.data, 0, in); // ·Vᵀ
        return inputGrad;
    }

    @Override
    public void backwardParametersOnly(Tensor dy) {
        accumulateParameterGradients(dy);
    }

    /** The factors' and the bias's gradients; leaves dy·U in {@code dyU} for dx. */
    private void accumulateParameterGradients(Tensor dy) {
        Shapes.requireForward(modulePath, input);
        int n = Shapes.rowsWithColumns(modulePath, dy, out);
        if (n != input.dim(0)) throw new IllegalArgumentException(modulePath + ": dy rows differ from forward");
        int a = u.value().dim(1), b = v.value().dim(1);
        dyU = Buffers.array(dyU, n * a);
        Gemm.sgemm(false, false, n, a, out, 1f, dy.data, 0, out, u.data(), 0, a, 0f, dyU, 0, a); // dy·U
        if (phase != Phase.COEFFICIENTS) {
            if (a != b) throw new IllegalStateException(modulePath + ": the K and L gradients need a square S, got " + a + "x" + b);
            if (u.grad() != null) { // G·V = dyᵀ·(x·V)
                Gemm.sgemm(true, false, out, b, n, 1f, dy.data, 0, out, xv, 0, b, 1f, u.grad().data, 0, b);
            }
            if (v.grad() != null) { // Gᵀ·U = xᵀ·(dy·U)
                Gemm.sgemm(true, false, in, a, n, 1f, input.data, 0, in, dyU, 0, a, 1f, v.grad().data, 0, a);
            }
        }
        if (phase != Phase.BASES && s.grad() != null) { // Uᵀ·G·V = (dy·U)ᵀ·(x·V)
            Gemm.sgemm(true, false, a, b, n, 1f, dyU, 0, a, xv, 0, b, 1f, s.grad().data, 0, b);
        }
        if (bias != null && bias.grad() != null) {
            float[] db = bias.grad().data;
            for (int r = 0; r < n; r++) VectorMath.addInPlace(db, 0, dy.data, r * out, out);
        }
    }

    @Override
    public long activationBytes() {
        return Buffers.bytes(output) + Buffers.bytes(xv) + Buffers.bytes(xvSt);
    }

    @Override
    public String toString() {
        return "LowRankLinear(" + modulePath + ", " + in + " -> " + out + ", rank " + rank() + (bias != null ? ", bias" : "") + ")";
    }
}
