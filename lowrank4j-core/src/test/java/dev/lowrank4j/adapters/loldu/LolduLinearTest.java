package dev.lowrank4j.adapters.loldu;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.AdapterTestSupport.FakeHost;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static dev.lowrank4j.adapters.AdapterTestSupport.maxRelativeError;
import static dev.lowrank4j.adapters.AdapterTestSupport.randomInput;
import static dev.lowrank4j.adapters.AdapterTestSupport.randomLinear;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LolduLinearTest {
    /** W_eff(z = D_r) vs W: one float rounding of W_res plus the float forward products. */
    private static final double INIT_TOLERANCE = 1e-5;
    /** Merged vs unmerged outputs: two float summation orders. */
    private static final double MERGE_TOLERANCE = 1e-5;
    private static final int ROWS = 5;

    private static LolduLinear layer(int in, int out, int r, LolduInit init, boolean trainSigma, SplittableRandom rng) {
        Linear base = randomLinear("m.v", in, out, true, rng);
        return LolduLinear.create("m.v", base, new LolduConfig(r, 2.0 * r, init, trainSigma, TargetModules.names("v"), 3));
    }

    @Test
    void atInitWithZEqualDrTheLayerComputesW() {
        int[][] shapes = {{16, 16, 6}, {24, 10, 10}, {10, 24, 4}};
        for (int[] s : shapes) {
            SplittableRandom rng = new SplittableRandom(s[0] + s[1]);
            Linear base = randomLinear("m.v", s[0], s[1], true, rng);
            Tensor x = randomInput(rng, ROWS, s[0]);
            float[] expected = new Linear(base.weight(), base.bias()).forward(x).data.clone();
            LolduLinear l = LolduLinear.create("m.v", base, new LolduConfig(s[2], s[2], LolduInit.LU, false, TargetModules.names("v"), 0));
            assertArrayEquals(l.diagonal(), l.z().data());
            double err = maxRelativeError(l.forward(x).data, expected);
            assertTrue(err < INIT_TOLERANCE, "W_eff != W at init: " + err);
        }
    }

    @Test
    void onlyZTrainsUnlessSigmaIsAskedFor() {
        SplittableRandom rng = new SplittableRandom(1);
        LolduLinear l = layer(12, 9, 5, LolduInit.LU, false, rng);
        List<Parameter> trainable = l.parameters().stream().filter(Parameter::trainable).toList();
        assertEquals(List.of(l.z()), trainable);
        assertEquals(5, trainable.get(0).numel());
        assertEquals("m.v.loldu.vector_z", l.z().name());
        assertEquals(2f, l.sigma().data()[0]); // alpha / r
        LolduLinear withSigma = layer(12, 9, 5, LolduInit.LU, true, rng);
        assertEquals(6, withSigma.parameters().stream().filter(Parameter::trainable).mapToInt(Parameter::numel).sum());
    }

    @Test
    void gradientsOfZSigmaAndXMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(2);
        LolduLinear l = layer(14, 11, 6, LolduInit.NORMAL, true, rng);
        Tensor x = randomInput(rng, ROWS, 14);
        float[] probe = GradCheck.randomArray(rng, ROWS * 11, 1.0);
        GradCheck.Loss loss = () -> GradCheck.probe(l.forward(x), probe);
        l.forward(x);
        float[] dx = l.backward(new Tensor(probe.clone(), ROWS, 11)).data.clone();
        float[] dz = l.z().grad().data.clone(), dSigma = l.sigma().grad().data.clone();
        assertTrue(GradCheck.worstError(loss, l.z().data(), dz, 4) < GradCheck.RELATIVE_TOLERANCE, "dz");
        // the loss is linear in σ, so a central difference with a large step is exact up to float
        // rounding, and the large step keeps that rounding (of a small dσ) out of the comparison
        float s0 = l.sigma().data()[0], h = 0.5f * s0;
        l.sigma().data()[0] = s0 + h;
        double up = loss.evaluate();
        l.sigma().data()[0] = s0 - h;
        double down = loss.evaluate();
        l.sigma().data()[0] = s0;
        assertEquals((up - down) / (2 * h), dSigma[0], 1e-3 * Math.max(Math.abs(dSigma[0]), 1e-2), "dσ");
        assertTrue(GradCheck.worstError(loss, x.data, dx, 6) < GradCheck.RELATIVE_TOLERANCE, "dx");
        dz[2] *= 1.1f; // and the check can fail
        assertTrue(GradCheck.worstError(loss, l.z().data(), dz, 4) > GradCheck.RELATIVE_TOLERANCE, "broken dz passed");
    }

    @Test
    void mergeGivesAPlainLinearWithTheSameOutputs() {
        SplittableRandom rng = new SplittableRandom(3);
        FakeHost host = new FakeHost(1, 16, 8, rng);
        LolduAdapters loldu = LolduAdapters.inject(host, new LolduConfig(4, 4, LolduInit.UNIFORM, false, TargetModules.names("v_proj"), 1));
        LolduLinear l = loldu.byPath().get("model.layers.0.self_attn.v_proj");
        assertEquals(List.of(l.z()), loldu.trainableParameters());
        assertFalse(host.norm.trainable());
        Tensor x = randomInput(rng, ROWS, 16);
        float[] before = l.forward(x).data.clone();
        loldu.mergeAll();
        var merged = host.linears().get("model.layers.0.self_attn.v_proj");
        assertInstanceOf(Linear.class, merged);
        assertTrue(maxRelativeError(merged.forward(x).data, before) < MERGE_TOLERANCE);
        assertThrows(IllegalStateException.class, () -> l.forward(x));
    }

    @Test
    void tooLargeARankIsRefusedBeforeAnyWeightChanges() {
        FakeHost host = new FakeHost(1, 16, 8, new SplittableRandom(4));
        float[] q = ((Linear) host.linears().get("model.layers.0.self_attn.q_proj")).weight().data().clone();
        assertThrows(Lowrank4jException.class, () -> LolduAdapters.inject(host,
                new LolduConfig(12, 12, LolduInit.LU, false, TargetModules.names("q_proj", "v_proj"), 0)));
        assertArrayEquals(q, ((Linear) host.linears().get("model.layers.0.self_attn.q_proj")).weight().data());
    }

    @Test
    void initVariantsFollowTheirDefinitions() {
        SplittableRandom rng = new SplittableRandom(5);
        float[] dR = layer(20, 20, 8, LolduInit.LU, false, new SplittableRandom(6)).diagonal();
        double mu = 0;
        for (float d : dR) mu += d / dR.length;
        assertArrayEquals(new float[8], layer(20, 20, 8, LolduInit.ZEROS, false, new SplittableRandom(6)).z().data());
        for (float v : layer(20, 20, 8, LolduInit.ONES, false, new SplittableRandom(6)).z().data()) assertEquals(1f, v);
        for (float v : layer(20, 20, 8, LolduInit.CONSTANT, false, new SplittableRandom(6)).z().data()) assertEquals((float) mu, v, 1e-6f);
        for (float v : layer(20, 20, 8, LolduInit.UNIFORM, false, new SplittableRandom(6)).z().data()) {
            assertTrue(Math.abs(v) <= Math.abs(mu) / 2, "uniform within ±μ/2");
        }
        for (float v : layer(20, 20, 8, LolduInit.S_UNIFORM, false, new SplittableRandom(6)).z().data()) {
            assertTrue(Math.abs(v) <= 1, "s_uniform within ±1");
        }
        assertEquals(LolduInit.UNIFORM, LolduInit.parse("uniform"));
        assertEquals(LolduInit.S_NORMAL, LolduInit.parse("s_normal"));
        assertEquals(LolduInit.S_UNIFORM, LolduInit.parse("s-uniform"));
        assertThrows(Lowrank4jException.class, () -> LolduInit.parse("orthogonal"));
    }

    /**
     * The authors' residual rule: lu/uniform/normal/constant build W_res from the initial z, so the
     * layer computes W at init; zeros/ones/s_uniform/s_normal build it from D_r and change it.
     */
    @Test
    void theResidualFollowsTheAuthorsRulePerInit() {
        for (LolduInit init : LolduInit.values()) {
            SplittableRandom rng = new SplittableRandom(8);
            Linear base = randomLinear("w", 12, 10, false, rng);
            float[] w = base.weight().data().clone();
            LolduLinear l = LolduLinear.create("w", base, new LolduConfig(6, 6, init, false, TargetModules.names("w"), 3));
            float[] eff = l.mergedWeight().data;
            double worst = 0, scale = 0;
            for (int i = 0; i < w.length; i++) {
                worst = Math.max(worst, Math.abs(eff[i] - w[i]));
                scale = Math.max(scale, Math.abs(w[i]));
            }
            if (init.residualFromZ()) assertTrue(worst < 1e-5 * scale, init + ": W_eff = W at init, off by " + worst);
            else assertTrue(worst > 1e-3 * scale, init + ": W_eff should differ from W at init");
        }
    }

    /** torch's std() is the unbiased one: the normal init's spread uses n − 1. */
    @Test
    void theNormalInitUsesTheUnbiasedStd() {
        float[] dR = {1f, 2f, 3f, 6f};
        float[] z = new float[200_000];
        float[] d = new float[z.length];
        for (int i = 0; i < d.length; i++) d[i] = dR[i % 4];
        LolduInit.NORMAL.fill(z, d, new dev.lowrank4j.util.Rng(1));
        double mean = 0, var = 0;
        for (float v : z) mean += v / z.length;
        for (float v : z) var += (v - mean) * (v - mean) / (z.length - 1);
        double biased = 0, unbiased;
        for (float v : d) biased += (v - 3.0) * (v - 3.0) / d.length;
        unbiased = biased * d.length / (d.length - 1);
        assertEquals(3.0, mean, 0.02);
        assertEquals(Math.sqrt(unbiased), Math.sqrt(var), 0.01);
    }
}
