package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.lowrank4j.optim.OptimFixtures.copy;
import static dev.lowrank4j.optim.OptimFixtures.param;
import static dev.lowrank4j.optim.OptimFixtures.setGradient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaLoreAdamWTest {
    /** Float arithmetic against a double transcription of the same formula. */
    private static final double FORMULA_TOL = 1e-6;
    /** P·Pᵀ·G vs G at full rank: the SVD's basis is orthonormal only to float precision. */
    private static final double FULL_RANK_SGD_TOL = 1e-5;
    /** ‖(I−PPᵀ)ΔW‖ / ‖ΔW‖ under T = ∞: float rounding of the accumulated updates. */
    private static final double CONFINEMENT_TOL = 1e-5;
    /** With a projector refreshed every step the same measure is of order 1 (shows the test can fail). */
    private static final double UNCONFINED_MIN = 0.1;

    @Test
    void regularParametersFollowGaLoresAdamW() {
        double lr = 1e-2, b1 = 0.9, b2 = 0.95, eps = 1e-6, wd = 0.1;
        Parameter vec = param("norm.weight", 1, 13), mat = param("embed.weight", 2, 5, 3);
        GaLoreOptions o = GaLoreOptions.of(1).withAdam(b1, b2, eps).withWeightDecay(wd);
        GaLoreAdamW opt = GaLoreAdamW.galore(List.of(), List.of(vec, mat), o);
        double[][] ref = {toDouble(vec.data()), toDouble(mat.data())};
        double[][] m = {new double[13], new double[15]}, v = {new double[13], new double[15]};
        List<Parameter> ps = List.of(vec, mat);
        for (int t = 1; t <= 5; t++) {
            for (int k = 0; k < 2; k++) {
                setGradient(ps.get(k), t, 1.0);
                reference(ref[k], ps.get(k).grad().data, m[k], v[k], t, lr, b1, b2, eps, wd);
            }
            opt.step(lr);
        }
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < ref[k].length; i++) {
                assertEquals(ref[k][i], ps.get(k).data()[i], FORMULA_TOL * (1 + Math.abs(ref[k][i])));
            }
        }
    }

    /** ALGORITHMS §0.2: eps on the un-corrected √v, corrections in the step size, decay after the update. */
    private static void reference(double[] p, float[] g, double[] m, double[] v, int t, double lr, double b1, double b2,
                                  double eps, double wd) {
        double stepSize = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        for (int i = 0; i < p.length; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) + eps);
            p[i] -= lr * wd * p[i];
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    @Test
    void fullRankWithSgdRuleIsSgd() {
        double lr = 0.05;
        for (int[] shape : new int[][] {{6, 10}, {10, 6}, {7, 7}}) {
            Parameter w = param("layer.mlp.w", 3, shape);
            int r = Math.min(shape[0], shape[1]);
            GaLoreOptions o = GaLoreOptions.of(r).withUpdateGap(2).withSvd(TopSvd.exact());
            GaLoreAdamW opt = new GaLoreAdamW(List.of(w), List.of(), o, null, OptimFixtures.sgd());
            double[] expected = toDouble(w.data());
            for (int t = 0; t < 4; t++) {
                setGradient(w, t, 1.0);
                for (int i = 0; i < expected.length; i++) expected[i] -= lr * w.grad().data[i];
                opt.step(lr);
            }
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], w.data()[i], FULL_RANK_SGD_TOL);
        }
    }

    @Test
    void identityProjectorReproducesAdamWithLrTimesAlphaBitForBit() {
        double lr = 0.01, alpha = 0.25; // α a power of two: α·(s·N) and (α·s)·N round identically
        for (int[] shape : new int[][] {{6, 10}, {10, 6}}) {
            Parameter projected = param("self_attn.w", 4, shape), plain = param("self_attn.w", 4, shape);
            int r = Math.min(shape[0], shape[1]);
            GaLoreOptions o = GaLoreOptions.of(r).withScale(alpha).withSvd(OptimFixtures.identitySvd()).withUpdateGap(3);
            GaLoreAdamW galore = GaLoreAdamW.galore(List.of(projected), List.of(), o);
            GaLoreAdamW adam = GaLoreAdamW.galore(List.of(), List.of(plain), o);
            for (int t = 0; t < 6; t++) {
                setGradient(projected, t, 1.0);
                setGradient(plain, t, 1.0);
                galore.step(lr);
                adam.step(lr * alpha);
            }
            assertArrayEquals(plain.data(), projected.data(), 0f, java.util.Arrays.toString(shape));
        }
    }

    @Test
    void withoutRefreshTheChangeStaysInTheSubspace() {
        int r = 3;
        // Left projection (wide weight): (I − PPᵀ)(W_t − W_0) = 0.
        assertEquals(0, confinementError(new int[] {6, 14}, r, GaLoreOptions.NEVER_REFRESH), CONFINEMENT_TOL);
        // Right projection (tall weight): (W_t − W_0)(I − QᵀQ) = 0.
        assertEquals(0, confinementError(new int[] {14, 6}, r, GaLoreOptions.NEVER_REFRESH), CONFINEMENT_TOL);
        assertTrue(confinementError(new int[] {6, 14}, r, 1) > UNCONFINED_MIN, "refreshing every step leaves the subspace");
    }

    /** ‖complement of the final basis applied to W_t − W_0‖ / ‖W_t − W_0‖ after 6 steps from W_0 = 0. */
    private static double confinementError(int[] shape, int r, long gap) {
        Parameter w = OptimFixtures.zeroParam("mlp.w", shape);
        GaLoreAdamW opt = GaLoreAdamW.galore(List.of(w), List.of(), GaLoreOptions.of(r).withUpdateGap(gap).withScale(0.5));
        for (int t = 0; t < 6; t++) {
            setGradient(w, t, 1.0);
            opt.step(0.01);
        }
        double[] delta = OptimFixtures.difference(w.data(), new float[w.numel()]);
        GaLoreProjector p = opt.projector("mlp.w");
        double outside = p.side() == ProjectionSide.LEFT
                ? OptimFixtures.leftComplementNorm(p.left(), shape[0], r, delta, shape[1])
                : OptimFixtures.rightComplementNorm(p.right(), r, shape[1], delta, shape[0]);
        return outside / OptimFixtures.norm(delta);
    }

    @Test
    void momentsCarryAcrossARefresh() {
        double b1 = 0.9;
        Parameter w = param("mlp.w", 5, 5, 11);
        GaLoreAdamW opt = GaLoreAdamW.galore(List.of(w), List.of(), GaLoreOptions.of(2).withUpdateGap(2));
        for (int t = 0; t < 2; t++) {
            setGradient(w, t, 1.0);
            opt.step(0.01);
        }
        float[] before = opt.state().get("exp_avg.mlp.w").data.clone();
        float[] oldBasis = opt.projector("mlp.w").left();
        setGradient(w, 2, 1.0);
        opt.step(0.01); // optimizer step 2 = T: new basis, same moments
        GaLoreProjector p = opt.projector("mlp.w");
        assertTrue(oldBasis != p.left(), "refreshed");
        float[] r = p.project(w.grad().data);
        float[] after = opt.state().get("exp_avg.mlp.w").data;
        for (int i = 0; i < after.length; i++) assertEquals(b1 * before[i] + (1 - b1) * r[i], after[i], 1e-6);
    }

    @Test
    void nonFiniteGradientNamesTheParameterAndChangesNothing() {
        Parameter a = param("model.layers.0.self_attn.q_proj.weight", 1, 8, 8);
        Parameter b = param("model.layers.0.mlp.up_proj.weight", 2, 12, 8);
        Parameter n = param("model.norm.weight", 3, 8);
        GaLoreAdamW opt = GaLoreAdamW.galore(List.of(a, b), List.of(n), GaLoreOptions.of(4).withUpdateGap(1));
        OptimFixtures.setGradients(List.of(a, b, n), 0);
        opt.step(0.01);
        float[][] before = {copy(a), copy(b), copy(n)};
        Map<String, float[]> stateBefore = snapshot(opt.state());
        OptimFixtures.setGradients(List.of(a, b, n), 1);
        b.grad().data[17] = Float.POSITIVE_INFINITY;
        var e = assertThrows(Lowrank4jException.class, () -> opt.step(0.01));
        assertTrue(e.getMessage().contains("model.layers.0.mlp.up_proj.weight"), e.getMessage());
        assertArrayEquals(before[0], a.data(), 0f);
        assertArrayEquals(before[1], b.data(), 0f);
        assertArrayEquals(before[2], n.data(), 0f);
        assertEquals(1, opt.steps());
        Map<String, float[]> stateAfter = snapshot(opt.state());
        assertEquals(stateBefore.keySet(), stateAfter.keySet());
        for (String k : stateBefore.keySet()) assertArrayEquals(stateBefore.get(k), stateAfter.get(k), 0f, k);
    }

    static Map<String, float[]> snapshot(Map<String, Tensor> state) {
        Map<String, float[]> s = new java.util.TreeMap<>();
        state.forEach((k, v) -> s.put(k, v.data.clone()));
        return s;
    }

    @Test
    void rejectsImpossibleSettingsNamingTheParameter() {
        Parameter w = param("model.layers.1.mlp.down_proj.weight", 1, 6, 16);
        var rank = assertThrows(Lowrank4jException.class,
                () -> GaLoreAdamW.galore(List.of(w), List.of(), GaLoreOptions.of(7)));
        assertTrue(rank.getMessage().contains("model.layers.1.mlp.down_proj.weight"), rank.getMessage());
        var zero = assertThrows(Lowrank4jException.class,
                () -> GaLoreAdamW.galore(List.of(w), List.of(), GaLoreOptions.of(0)));
        assertTrue(zero.getMessage().contains("model.layers.1.mlp.down_proj.weight"), zero.getMessage());
        assertThrows(Lowrank4jException.class, () -> GaLoreOptions.of(2).withUpdateGap(0));
        Parameter vec = param("model.norm.weight", 1, 6);
        assertThrows(Lowrank4jException.class, () -> GaLoreAdamW.galore(List.of(vec), List.of(), GaLoreOptions.of(1)));
    }

    @Test
    void stateBytesFollowTheMemoryFormula() {
        Parameter wide = param("attn.a", 1, 8, 20), tall = param("mlp.b", 2, 20, 8), vec = param("norm", 3, 8);
        int r = 4;
        GaLoreAdamW opt = GaLoreAdamW.galore(List.of(wide, tall), List.of(vec), GaLoreOptions.of(r));
        long perMatrix = 8L * r + 2L * 20 * r; // s·r + 2·l·r
        long expected = 2 * perMatrix + 2 * 8;
        assertEquals(4 * expected, OptimFixtures.memoryBytes(opt));
        GaLoreAdamW fira = GaLoreAdamW.fira(List.of(wide, tall), List.of(vec), GaLoreOptions.of(r), FiraOptions.codeExact());
        assertEquals(4 * (expected + 2), OptimFixtures.memoryBytes(fira));
    }

    @Test
    void llamaTargetsAreAttentionAndMlpMatrices() {
        List<Parameter> all = List.of(param("model.embed_tokens.weight", 1, 10, 4),
                param("model.layers.0.self_attn.q_proj.weight", 1, 4, 4),
                param("model.layers.0.mlp.gate_proj.weight", 1, 6, 4),
                param("model.layers.0.input_layernorm.weight", 1, 4),
                param("lm_head.weight", 1, 10, 4));
        ProjectionTargets.Split s = ProjectionTargets.llamaLinears(all);
        assertEquals(List.of("model.layers.0.self_attn.q_proj.weight", "model.layers.0.mlp.gate_proj.weight"),
                s.projected().stream().map(Parameter::name).toList());
        assertEquals(3, s.regular().size());
        assertThrows(Lowrank4jException.class, () -> ProjectionTargets.llamaLinears(List.of(all.get(0), all.get(4))));
    }
}
