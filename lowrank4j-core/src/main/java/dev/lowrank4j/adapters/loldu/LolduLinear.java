package dev.lowrank4j.adapters.loldu;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * LoLDU (Shi et al., arXiv 2410.13618; ALGORITHMS §8): with W = P·L·D·U from
 * {@link LduDecomposition} and its leading r parts L_r [m, r], D_r, U_r [r, n],
 * <pre>
 *   W_eff = W_res + σ·P·L_r·diag(z)·U_r        W_res = W − σ0·P·L_r·diag(D_r)·U_r (once, at construction)
 * </pre>
 * Only z (r values) trains, plus σ if asked. The base layer's weight is overwritten with W_res and
 * frozen; L_r and U_r are frozen parameters (so checkpoints hold everything W_eff needs) and P is
 * the int[] permutation, applied by scattering/gathering output columns instead of a dense m×m
 * matrix.
 *
 * <p>Forward and backward never form W_eff: with H = X·U_rᵀ and G = dL/dy gathered into pivot order,
 * <pre>
 *   y = base(x) + scatter_P( σ·(H ⊙ z)·L_rᵀ )
 *   Q = gather_P(G)·L_r     dz_i += σ·Σ_n Q_ni H_ni     dσ += Σ_ni Q_ni H_ni z_i     dx = base dx + σ·(Q ⊙ z)·U_r
 * </pre>
 * which matches ALGORITHMS §8c's dz_i = σ·(P L_r)[:, i]ᵀ G_W U_r[i, :]ᵀ.
 */
public final class LolduLinear implements LinearLayer {
    private final String modulePath;
    private final Linear base;
    private final int in;
    private final int out;
    private final int r;
    private final int[] perm;
    private final Parameter lower;
    private final Parameter upper;
    private final Parameter z;
    private final Parameter sigma;
    private final float[] diagR;
    private boolean consumed;

    private Tensor hidden;
    private Tensor scaledHidden;
    private Tensor pivoted;
    private Tensor output;
    private Tensor inputGrad;

    private LolduLinear(String modulePath, Linear base, int r, int[] perm, Parameter lower, Parameter upper, Parameter z,
                        Parameter sigma, float[] diagR) {
        this.modulePath = modulePath;
        this.base = base;
        this.in = base.inFeatures();
        this.out = base.outFeatures();
        this.r = r;
        this.perm = perm;
        this.lower = lower;
        this.upper = upper;
        this.z = z;
        this.sigma = sigma;
        this.diagR = diagR;
    }

    /** Decomposes {@code base}'s weight, initialises z with {@code cfg.init()} and replaces the weight by W_res (frozen). */
    public static LolduLinear create(String modulePath, Linear base, LolduConfig cfg) {
        return create(modulePath, base, cfg, null);
    }

    /**
     * As {@link #create(String, Linear, LolduConfig)} but with z's starting values given
     * ({@code initialZ}, length r) instead of drawn; W_res still follows {@code cfg.init()}'s rule
     * (from z or from D_r). Lets a test replay another implementation's random draw.
     */
    public static LolduLinear create(String modulePath, Linear base, LolduConfig cfg, float[] initialZ) {
        int m = base.outFeatures(), n = base.inFeatures(), r = cfg.r();
        if (r > Math.min(m, n)) {
            throw new Lowrank4jException(modulePath + ": LoLDU rank must be <= min(out, in) = " + Math.min(m, n) + ", got " + r);
        }
        if (initialZ != null && initialZ.length != r) throw new IllegalArgumentException("initialZ must have r = " + r + " values");
        float[] w = base.storage().dequantize().data;
        LduDecomposition ldu = LduDecomposition.of(w, m, n);
        float[] l = new float[m * r], u = new float[r * n], dR = new float[r];
        for (int i = 0; i < m; i++) for (int j = 0; j < r; j++) l[i * r + j] = (float) ldu.lower[i * ldu.k + j];
        System.arraycopy(toFloat(ldu.upper), 0, u, 0, r * n);
        for (int j = 0; j < r; j++) dR[j] = (float) ldu.diag[j];
        Parameter z = new Parameter(modulePath + ".loldu.vector_z", Tensor.zeros(r));
        if (initialZ != null) System.arraycopy(initialZ, 0, z.data(), 0, r);
        else cfg.init().fill(z.data(), dR, new Rng(cfg.seed() * 0x9E3779B97F4A7C15L + modulePath.hashCode()));
        // the authors' rule: W_res subtracts the initial z's term (W_eff = W at init) for lu/uniform/normal/constant, D_r's otherwise
        float[] resZ = cfg.init().residualFromZ() ? z.data() : dR;
        float sigma0 = (float) cfg.sigma0();
        // W_res from the float factors the forward pass will use, so W_eff(init) = W up to one rounding of W_res.
        double[] part = new double[m * n];
        for (int i = 0; i < m; i++) {
            int dst = ldu.perm[i] * n;
            for (int j = 0; j < r; j++) {
                double f = (double) sigma0 * l[i * r + j] * resZ[j];
                if (f == 0) continue;
                for (int c = 0; c < n; c++) part[dst + c] += f * u[j * n + c];
            }
        }
        for (int i = 0; i < w.length; i++) w[i] = (float) (w[i] - part[i]);
        base.storage().assign(w);
        for (Parameter p : base.parameters()) p.setTrainable(false);

        Parameter lower = Parameter.frozen(modulePath + ".loldu.lower", new Tensor(l, m, r));
        Parameter upper = Parameter.frozen(modulePath + ".loldu.upper", new Tensor(u, r, n));
        Parameter sigma = new Parameter(modulePath + ".loldu.scaling_factor", new Tensor(new float[]{sigma0}, 1));
        sigma.setTrainable(cfg.trainSigma());
        return new LolduLinear(modulePath, base, r, ldu.perm.clone(), lower, upper, z, sigma, dR);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    public String modulePath() {
        return modulePath;
    }

    public Linear base() {
        return base;
    }

    public int rank() {
        return r;
    }

    /** Row i of L_r·diag(z)·U_r lands in output row perm[i]; a copy. */
    public int[] permutation() {
        return perm.clone();
    }

    public Parameter z() {
        return z;
    }

    public Parameter sigma() {
        return sigma;
    }

    public Parameter lower() {
        return lower;
    }

    public Parameter upper() {
        return upper;
    }

    /** D_r as decomposed (after the pivot guard); a copy. */
    public float[] diagonal() {
        return diagR.clone();
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    /** W_res (and bias), L_r, U_r, z, σ. */
    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(base.parameters());
        ps.addAll(List.of(lower, upper, z, sigma));
        return List.copyOf(ps);
    }

    @Override
    public Map<String, ? extends Accounted> buffers() {
        return base.buffers();
    }

    @Override
    public Tensor forward(Tensor x) {
        checkUsable();
        if (x.rank() != 2 || x.dim(1) != in) {
            throw new IllegalArgumentException(modulePath + ": expected [N, " + in + "], got " + Arrays.toString(x.shape()));
        }
        int n = x.dim(0);
        Tensor baseOut = base.forward(x);
        hidden = Buffers.matrix(hidden, n, r);
        Gemm.sgemm(false, true, n, r, in, 1f, x.data, 0, in, upper.data(), 0, in, 0f, hidden.data, 0, r);
        scaledHidden = Buffers.matrix(scaledHidden, n, r);
        float s = sigma.data()[0];
        float[] h = hidden.data, hz = scaledHidden.data, zs = z.data();
        for (int row = 0; row < n; row++) for (int j = 0; j < r; j++) hz[row * r + j] = s * h[row * r + j] * zs[j];
        pivoted = Buffers.matrix(pivoted, n, out);
        Gemm.sgemm(false, true, n, out, r, 1f, hz, 0, r, lower.data(), 0, r, 0f, pivoted.data, 0, out);
        output = Buffers.matrix(output, n, out);
        float[] y = output.data, b = baseOut.data, t = pivoted.data;
        for (int row = 0; row < n; row++) {
            int o = row * out;
            for (int i = 0; i < out; i++) y[o + perm[i]] = b[o + perm[i]] + t[o + i];
        }
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        checkUsable();
        int n = dy.dim(0);
        Tensor baseDx = base.backward(dy);
        float[] g = pivoted.data, d = dy.data; // reuse the forward's [N, out] buffer for the gathered gradient
        for (int row = 0; row < n; row++) {
            int o = row * out;
            for (int i = 0; i < out; i++) g[o + i] = d[o + perm[i]];
        }
        float[] q = scaledHidden.data; // Q = gather(G)·L_r, then overwritten by σ·(Q ⊙ z)
        Gemm.sgemm(false, false, n, r, out, 1f, g, 0, out, lower.data(), 0, r, 0f, q, 0, r);
        float s = sigma.data()[0];
        float[] h = hidden.data, zs = z.data();
        float[] dz = z.grad() != null ? z.grad().data : null;
        double dSigma = 0;
        for (int j = 0; j < r; j++) {
            double qh = 0;
            for (int row = 0; row < n; row++) qh += (double) q[row * r + j] * h[row * r + j];
            if (dz != null) dz[j] += (float) (s * qh);
            dSigma += qh * zs[j];
        }
        if (sigma.grad() != null) sigma.grad().data[0] += (float) dSigma;
        for (int row = 0; row < n; row++) for (int j = 0; j < r; j++) q[row * r + j] *= s * zs[j];
        inputGrad = Buffers.matrix(inputGrad, n, in);
        System.arraycopy(baseDx.data, 0, inputGrad.data, 0, inputGrad.data.length);
        Gemm.sgemm(false, false, n, in, r, 1f, q, 0, r, upper.data(), 0, in, 1f, inputGrad.data, 0, in);
        return inputGrad;
    }

    @Override
    public long activationBytes() {
        return base.activationBytes() + Buffers.bytes(hidden) + Buffers.bytes(scaledHidden) + Buffers.bytes(pivoted)
                + Buffers.bytes(output);
    }

    /** W_res + σ·P·L_r·diag(z)·U_r as a new [out, in] tensor; the layer is unchanged. */
    public Tensor mergedWeight() {
        checkUsable();
        float[] w = base.storage().dequantize().data, l = lower.data(), u = upper.data(), zs = z.data();
        float s = sigma.data()[0];
        float[] scaledLower = new float[out * r];
        for (int i = 0; i < out; i++) for (int j = 0; j < r; j++) scaledLower[i * r + j] = l[i * r + j] * s * zs[j];
        float[] delta = new float[out * in];
        Gemm.sgemm(false, false, out, in, r, 1f, scaledLower, 0, r, u, 0, in, 0f, delta, 0, in);
        for (int i = 0; i < out; i++) {
            int dst = perm[i] * in, src = i * in;
            for (int c = 0; c < in; c++) w[dst + c] += delta[src + c];
        }
        return new Tensor(w, out, in);
    }

    /**
     * W ← W_res + σ·P·L_r·diag(z)·U_r in the base layer, which is returned to stand in this
     * layer's place; this object must not be used afterwards.
     */
    public Linear mergeToLinear() {
        base.storage().assign(mergedWeight().data);
        consumed = true;
        return base;
    }

    private void checkUsable() {
        if (consumed) throw new IllegalStateException(modulePath + ": this LoLDU layer was merged into a plain Linear");
    }

    @Override
    public String toString() {
        return "LolduLinear(" + modulePath + ", in=" + in + ", out=" + out + ", r=" + r + ")";
    }
}
