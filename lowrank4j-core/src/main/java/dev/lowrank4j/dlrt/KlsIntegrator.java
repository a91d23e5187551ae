package dev.lowrank4j.dlrt;

import dev.lowrank4j.linalg.DenseSvd;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.VectorMath;
import dev.lowrank4j.optim.NamedAdamStates;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DLRT's KLS integrator as an {@link Optimizer} (ALGORITHMS.md §6(c)), one step per call of
 * {@link #step(double, Closure)}:
 * <ol>
 *   <li>with the gradients of the base point U₀S₀V₀ᵀ (what the trainer computed): every full-rank
 *       parameter (biases, the classifier head) takes its plain step; in every low-rank layer the
 *       K-step K₁ = U₀S₀ − λ·G·V₀ and the L-step L₁ = V₀S₀ᵀ − λ·Gᵀ·U₀, both from the same point;
 *       new bases U₁ = qr(K₁), V₁ = qr(L₁) (rank-adaptive: Û = qr([K₁ | U₀]), V̂ = qr([L₁ | V₀]),
 *       2r columns or as many as m and n allow), and the coefficients carried into them,
 *       S̃ = (U₁ᵀU₀)·S₀·(V₁ᵀV₀)ᵀ;</li>
 *   <li>the closure re-runs forward and backward at U₁S̃V₁ᵀ, with the layers asking only for
 *       ∂L/∂S = U₁ᵀ·G·V₁ (the S-step's gradient is taken after the basis change, as in the paper
 *       and COMPiLELab; not ScSteffen's U₁S₀V₁ᵀ);</li>
 *   <li>S-step S₁ = S̃ − λ·∂L/∂S; rank-adaptive: Ŝ = S₁ is cut by its SVD P̂ΣQ̂ᵀ to r₁ by
 *       {@link Truncation}, U ← Û·P̂[:, :r₁], S ← diag(σ₁..σ_r₁), V ← V̂·Q̂[:, :r₁] (Q̂ holds the right
 *       singular vectors; the authors' slicing of Vᵀ as V is not reproduced).</li>
 * </ol>
 * "λ·g" is the integrator's step: plain SGD (the paper's "euler") or Adam on K, L, S and the
 * full-rank parameters, each under its own name ({@code conv1.K}, {@code fc2.weight}); Adam's
 * moments restart at zero whenever the array they follow changes size (a rank change), and are
 * otherwise kept across basis changes, as an optimizer wrapped around the factors keeps them.
 */
public final class KlsIntegrator implements Optimizer {
    private final List<LowRankLinear> layers;
    private final List<Parameter> fullRank;
    private final DlrtOptions options;
    private final NamedAdamStates adam;
    private long steps;

    /**
     * @param parameters every parameter of the model (the factors of {@code layers} are recognised and
     *                   stepped by KLS; every other trainable one by the plain integrator)
     */
    public KlsIntegrator(List<LowRankLinear> layers, List<Parameter> parameters, DlrtOptions options, double beta1,
                         double beta2, double eps) {
        this.layers = List.copyOf(layers);
        this.options = options;
        Set<Parameter> factors = Collections.newSetFromMap(new IdentityHashMap<>());
        for (LowRankLinear l : layers) factors.addAll(List.of(l.u(), l.s(), l.v()));
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> rest = new ArrayList<>();
        for (Parameter p : parameters) if (!factors.contains(p) && seen.add(p)) rest.add(p);
        this.fullRank = List.copyOf(rest);
        this.adam = options.integrator() == DlrtOptions.IntegratorKind.ADAM ? new NamedAdamStates(beta1, beta2, eps) : null;
    }

    /** The paper's Adam settings (torch defaults). */
    public KlsIntegrator(List<LowRankLinear> layers, List<Parameter> parameters, DlrtOptions options) {
        this(layers, parameters, options, 0.9, 0.999, 1e-8);
    }

    public List<LowRankLinear> layers() {
        return layers;
    }

    @Override
    public void step(double lr) {
        throw new IllegalStateException("a KLS step re-evaluates the loss after its basis change: call step(lr, closure)");
    }

    @Override
    public void step(double lr, Closure closure) {
        for (Parameter p : fullRank) if (p.trainable()) descend(p.name(), p.data(), p.grad().data, lr);
        if (layers.isEmpty()) { // a full-rank baseline: plain SGD/Adam, no second pass needed
            steps++;
            return;
        }
        int[] before = new int[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            before[i] = layers.get(i).rank();
            basisStep(layers.get(i), lr);
        }
        for (LowRankLinear l : layers) l.setPhase(LowRankLinear.Phase.COEFFICIENTS);
        try {
            closure.reevaluate();
        } finally {
            for (LowRankLinear l : layers) l.setPhase(LowRankLinear.Phase.BASES);
        }
        for (int i = 0; i < layers.size(); i++) coefficientStep(layers.get(i), before[i], lr);
        steps++;
    }

    private void descend(String name, float[] x, float[] g, double lr) {
        if (adam != null) {
            adam.descend(name, x, g, lr);
        } else {
            VectorMath.axpy((float) -lr, g, 0, x, 0, x.length); // x −= lr·g in float lanes, as torch.optim.SGD
        }
    }

    /** K- and L-steps from the same base point, new (augmented) bases, S̃ carried into them. */
    private void basisStep(LowRankLinear layer, double lr) {
        int m = layer.outFeatures(), n = layer.inFeatures(), r = layer.rank();
        float[] u0 = layer.u().data(), s0 = layer.s().data(), v0 = layer.v().data();
        float[] k = Mat.mul(u0, false, s0, false, m, r, r);  // K₀ = U₀S₀
        float[] l = Mat.mul(v0, false, s0, true, n, r, r);   // L₀ = V₀S₀ᵀ
        descend(layer.modulePath() + ".K", k, layer.u().grad().data, lr); // U.grad holds G·V₀
        descend(layer.modulePath() + ".L", l, layer.v().grad().data, lr); // V.grad holds Gᵀ·U₀
        int wu = r, wv = r;
        float[] u1, v1;
        if (options.adaptive()) {
            wu = Math.min(2 * r, m);
            wv = Math.min(2 * r, n);
            u1 = Mat.orthonormal(Mat.firstColumnsOf(k, r, u0, r, m, wu), m, wu);
            v1 = Mat.orthonormal(Mat.firstColumnsOf(l, r, v0, r, n, wv), n, wv);
        } else {
            u1 = Mat.orthonormal(k, m, r);
            v1 = Mat.orthonormal(l, n, r);
        }
        float[] mm = Mat.mul(u1, true, u0, false, wu, r, m);  // M = U₁ᵀU₀
        float[] nn = Mat.mul(v1, true, v0, false, wv, r, n);  // N = V₁ᵀV₀
        float[] ms = Mat.mul(mm, false, s0, false, wu, r, r);
        float[] sTilde = Mat.mul(ms, false, nn, true, wu, wv, r); // S̃ = M·S₀·Nᵀ
        layer.setFactors(new Tensor(u1, m, wu), new Tensor(sTilde, wu, wv), new Tensor(v1, n, wv));
    }

    /** S-step with the re-evaluated ∂L/∂S; rank-adaptive: SVD truncation of Ŝ. */
    private void coefficientStep(LowRankLinear layer, int rankBefore, double lr) {
        int m = layer.outFeatures(), n = layer.inFeatures();
        Tensor uHat = layer.u().value(), vHat = layer.v().value();
        int wu = uHat.dim(1), wv = vHat.dim(1);
        float[] s = layer.s().data().clone();
        descend(layer.modulePath() + ".S", s, layer.s().grad().data, lr);
        if (!options.adaptive()) {
            layer.setFactors(uHat, new Tensor(s, wu, wv), vHat);
            return;
        }
        DenseSvd svd = DenseSvd.of(Mat.toDouble(s), wu, wv, layer.modulePath() + " coefficients");
        int k = svd.count();
        double tau = options.tau() * (layer.isConvolution() ? 1.0 : options.denseTauFactor());
        double tol = Truncation.tolerance(svd.s(), tau, options.absoluteTau());
        int r1 = Truncation.cut(svd.s(), tol, options.rule(), rankBefore);
        r1 = Math.min(k, Truncation.clamp(r1, options.rule(), m, n, options.maxRank()));
        float[] p = Mat.leadingColumns(svd.u(), wu, k, r1), q = Mat.leadingColumns(svd.v(), wv, k, r1);
        float[] u = Mat.mul(uHat.data, false, p, false, m, r1, wu);
        float[] v = Mat.mul(vHat.data, false, q, false, n, r1, wv);
        layer.setFactors(new Tensor(u, m, r1), new Tensor(Mat.diagonal(svd.s(), r1), r1, r1), new Tensor(v, n, r1));
    }

    @Override
    public long steps() {
        return steps;
    }

    /** Forgets the Adam moments of these parameters' layers (and of the parameters themselves). */
    @Override
    public void resetState(Collection<Parameter> parameters) {
        if (adam == null) return;
        List<String> forget = new ArrayList<>();
        for (Parameter p : parameters) {
            forget.add(p.name());
            for (LowRankLinear l : layers) {
                if (l.parameters().contains(p)) for (String f : List.of(".K", ".L", ".S")) forget.add(l.modulePath() + f);
            }
        }
        List<String> keep = new ArrayList<>();
        adam.state().keySet().forEach(key -> {
            String name = key.substring(key.indexOf('.') + 1);
            if (!forget.contains(name)) keep.add(name);
        });
        adam.retain(keep);
    }

    @Override
    public Map<String, Tensor> state() {
        return adam == null ? Map.of() : adam.state();
    }

    @Override
    public void loadState(Map<String, Tensor> state, long loadedSteps) {
        if (adam != null) adam.loadState(state);
        this.steps = loadedSteps;
    }

    @Override
    public Collection<? extends Accounted> memory() {
        return adam == null ? List.of() : adam.memory();
    }
}
