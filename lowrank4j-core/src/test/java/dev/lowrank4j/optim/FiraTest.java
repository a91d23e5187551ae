package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lowrank4j.optim.OptimFixtures.param;
import static dev.lowrank4j.optim.OptimFixtures.setGradient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FiraTest {
    /** G − P·Pᵀ·G at full rank is rounding noise, rescaled by φ ≈ ‖N‖/‖R‖. */
    private static final double FULL_RANK_TOL = 1e-5;
    /** One SGD step at full rank against −lr·G or −lr·α·G (float basis). */
    private static final double ONE_STEP_TOL = 1e-6;
    /** Measured residual norms come from differences of float weights. */
    private static final double LIMITER_SLACK = 1e-3;
    private static final double GAMMA = FiraOptions.DEFAULT_GAMMA;
    private static final double UNLIMITED_MIN_GROWTH = 2.0;

    @Test
    void alphaOneAtFullRankEqualsGaLore() {
        for (int[] shape : new int[][] {{6, 10}, {10, 6}}) {
            int r = Math.min(shape[0], shape[1]);
            // With P forced to I the residual is exactly zero: bit-identical.
            assertArrayEquals(runGaLore(shape, OptimFixtures.identitySvd(), r), runFira(shape, OptimFixtures.identitySvd(), r), 0f);
            // With a real SVD it is rounding noise.
            float[] g = runGaLore(shape, TopSvd.exact(), r), f = runFira(shape, TopSvd.exact(), r);
            for (int i = 0; i < g.length; i++) assertEquals(g[i], f[i], FULL_RANK_TOL);
        }
    }

    private static float[] runGaLore(int[] shape, TopSvd svd, int r) {
        Parameter w = param("mlp.w", 1, shape);
        run(GaLoreAdamW.galore(List.of(w), List.of(), GaLoreOptions.of(r).withUpdateGap(2).withSvd(svd)), w, 5);
        return w.data();
    }

    private static float[] runFira(int[] shape, TopSvd svd, int r) {
        Parameter w = param("mlp.w", 1, shape);
        run(GaLoreAdamW.fira(List.of(w), List.of(), GaLoreOptions.of(r).withUpdateGap(2).withSvd(svd),
                FiraOptions.codeExact()), w, 5);
        return w.data();
    }

    private static void run(GaLoreAdamW opt, Parameter w, int steps) {
        for (int t = 0; t < steps; t++) {
            setGradient(w, t, 1.0);
            opt.step(0.01);
        }
    }

    /**
     * Pins the code's quirk: at full rank the residual is G − α·P·Pᵀ·G = (1−α)·G, unscaled by α,
     * so with ρ = identity (φ = 1) the code's update is α·G + (1−α)·G = G, while the paper's
     * α·(P·Pᵀ·G + 0) is α·G.
     */
    @Test
    void codeResidualAtFullRankIsOneMinusAlphaTimesG() {
        double lr = 0.1, alpha = 0.25;
        int[] shape = {5, 9};
        for (FiraOptions.Form form : FiraOptions.Form.values()) {
            Parameter w = param("mlp.w", 2, shape);
            float[] w0 = w.data().clone();
            GaLoreOptions o = GaLoreOptions.of(5).withScale(alpha).withSvd(TopSvd.exact());
            GaLoreAdamW opt = new GaLoreAdamW(List.of(w), List.of(), o, FiraOptions.codeExact().withForm(form), OptimFixtures.sgd());
            setGradient(w, 0, 1.0);
            opt.step(lr);
            double factor = form == FiraOptions.Form.CODE ? 1.0 : alpha;
            for (int i = 0; i < w0.length; i++) {
                assertEquals(w0[i] - lr * factor * w.grad().data[i], w.data()[i], ONE_STEP_TOL, form + " element " + i);
            }
        }
    }

    /**
     * A 50× gradient jump: the applied residual ‖S_t‖, read off the weight change outside the
     * (fixed, left) subspace, grows by at most γ per step. (φ = ‖N‖/‖R‖ already absorbs most of
     * the jump, since Adam's N barely grows; the limiter's effect shows in the unlimited run.)
     */
    @Test
    void limiterBoundsResidualGrowth() {
        double[] limited = residualNorms(FiraOptions.codeExact());
        for (int t = 1; t < limited.length; t++) {
            assertTrue(limited[t] <= GAMMA * limited[t - 1] * (1 + LIMITER_SLACK),
                    "step " + t + ": " + limited[t] + " vs " + limited[t - 1]);
        }
        // Without it the same run grows by far more than γ at some step (measured: 3.5× at step 1).
        double[] free = residualNorms(FiraOptions.codeExact().withLimiter(false));
        double worstGrowth = 0;
        for (int t = 1; t < free.length; t++) worstGrowth = Math.max(worstGrowth, free[t] / free[t - 1]);
        assertTrue(worstGrowth > UNLIMITED_MIN_GROWTH, "unlimited growth " + worstGrowth);
    }

    private static final int JUMP_STEP = 4;

    private static double[] residualNorms(FiraOptions fira) {
        int rows = 6, cols = 16, r = 2;
        double lr = 0.01, b1 = GaLoreOptions.DEFAULT_BETA1, b2 = GaLoreOptions.DEFAULT_BETA2;
        Parameter w = OptimFixtures.zeroParam("mlp.w", rows, cols);
        GaLoreAdamW opt = GaLoreAdamW.fira(List.of(w), List.of(),
                GaLoreOptions.of(r).withUpdateGap(GaLoreOptions.NEVER_REFRESH), fira);
        double[] norms = new double[8];
        for (int t = 0; t < norms.length; t++) {
            setGradient(w, t, t >= JUMP_STEP ? 50.0 : 1.0);
            float[] before = w.data().clone();
            opt.step(lr);
            double stepSize = lr * Math.sqrt(1 - Math.pow(b2, t + 1)) / (1 - Math.pow(b1, t + 1));
            double[] delta = OptimFixtures.difference(w.data(), before);
            GaLoreProjector p = opt.projector("mlp.w");
            // ΔW = −s·(P·N + S) with S = (I−PPᵀ)·G·diag(φ), so (I−PPᵀ)·ΔW = −s·S.
            norms[t] = OptimFixtures.leftComplementNorm(p.left(), rows, r, delta, cols) / stepSize;
        }
        return norms;
    }

    @Test
    void scalingFactorsRunOverTheNonProjectedDimension() {
        int rows = 6, cols = 11, r = 3;
        float[] lowLeft = new float[r * cols], lowRight = new float[rows * r];
        java.util.Arrays.fill(lowLeft, 2f);
        java.util.Arrays.fill(lowRight, 2f);
        float[] phiLeft = FiraResidual.columnFactors(lowLeft, lowLeft.clone(), ProjectionSide.LEFT,
                ProjectionSide.LEFT.projectedShape(rows, cols, r));
        float[] phiRight = FiraResidual.columnFactors(lowRight, lowRight.clone(), ProjectionSide.RIGHT,
                ProjectionSide.RIGHT.projectedShape(rows, cols, r));
        assertEquals(cols, phiLeft.length, "one factor per column of W for a left projection");
        assertEquals(rows, phiRight.length, "one factor per row of W for a right projection");
        assertEquals(1.0, phiLeft[0], 1e-6, "N = R gives φ = 1");
    }

    @Test
    void variantsDifferFromTheCodeForm() {
        float[] code = runVariant(FiraOptions.codeExact());
        for (FiraOptions v : List.of(FiraOptions.codeExact().withForm(FiraOptions.Form.PAPER),
                FiraOptions.codeExact().withScaling(FiraOptions.Scaling.MATRIX),
                FiraOptions.codeExact().withLimiter(false))) {
            float[] other = runVariant(v);
            double diff = 0;
            for (int i = 0; i < code.length; i++) diff = Math.max(diff, Math.abs(code[i] - other[i]));
            assertTrue(diff > 1e-6, v + " should change the trajectory");
        }
    }

    private static float[] runVariant(FiraOptions fira) {
        Parameter w = param("mlp.w", 3, 8, 12);
        GaLoreAdamW opt = GaLoreAdamW.fira(List.of(w), List.of(), GaLoreOptions.of(3).withScale(0.25).withUpdateGap(2), fira);
        for (int t = 0; t < 5; t++) {
            setGradient(w, t, t == 3 ? 20.0 : 1.0);
            opt.step(0.01);
        }
        return w.data();
    }

    @Test
    void columnScalingNeedsOneSidedProjection() {
        Parameter w = param("mlp.w", 3, 8, 12);
        GaLoreOptions full = GaLoreOptions.of(3).withType(ProjectionType.FULL);
        var e = assertThrows(Lowrank4jException.class,
                () -> GaLoreAdamW.fira(List.of(w), List.of(), full, FiraOptions.codeExact()));
        assertTrue(e.getMessage().contains("mlp.w"), e.getMessage());
        GaLoreAdamW.fira(List.of(w), List.of(), full, FiraOptions.codeExact().withScaling(FiraOptions.Scaling.MATRIX));
        assertThrows(Lowrank4jException.class, () -> FiraOptions.codeExact().withGamma(0.5));
    }
}
