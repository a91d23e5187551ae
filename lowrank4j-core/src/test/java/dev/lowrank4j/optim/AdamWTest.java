package dev.lowrank4j.optim;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW against a plain double-precision transcription of torch.optim.AdamW's update. */
class AdamWTest {
    private static final double TOL = 1e-6;

    @Test
    void matchesTorchFormulaInDouble() {
        double lr = 1e-2, b1 = 0.9, b2 = 0.95, eps = 1e-8, wd = 0.1;
        Rng rng = new Rng(3);
        int n = 37;
        Parameter w = new Parameter("w", Tensor.zeros(1, n));
        Parameter gain = new Parameter("g", Tensor.zeros(n)); // 1-D: no weight decay
        double[] rw = new double[n], rg = new double[n], mw = new double[n], vw = new double[n], mg = new double[n], vg = new double[n];
        for (int i = 0; i < n; i++) {
            w.data()[i] = (float) rng.nextGaussian();
            gain.data()[i] = (float) rng.nextGaussian();
            rw[i] = w.data()[i];
            rg[i] = gain.data()[i];
        }
        AdamW opt = new AdamW(List.of(w, gain), new AdamW.Hyper(b1, b2, eps, wd));
        for (int t = 1; t <= 5; t++) {
            for (int i = 0; i < n; i++) {
                w.grad().data[i] = (float) rng.nextGaussian();
                gain.grad().data[i] = (float) rng.nextGaussian();
            }
            opt.step(lr);
            reference(rw, w.grad().data, mw, vw, t, lr, b1, b2, eps, wd);
            reference(rg, gain.grad().data, mg, vg, t, lr, b1, b2, eps, 0);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(rw[i], w.data()[i], TOL * (1 + Math.abs(rw[i])), "matrix element " + i);
            assertEquals(rg[i], gain.data()[i], TOL * (1 + Math.abs(rg[i])), "vector element " + i);
        }
        assertEquals(5, opt.steps());
        assertEquals(4L * 4 * n, OptimFixtures.memoryBytes(opt));
    }

    private static void reference(double[] p, float[] g, double[] m, double[] v, int t, double lr, double b1, double b2,
                                  double eps, double wd) {
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            double mHat = m[i] / (1 - Math.pow(b1, t));
            double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
            p[i] -= lr * mHat / denom;
        }
    }

    @Test
    void stateRoundTripsExactly() {
        Parameter a = new Parameter("a", Tensor.zeros(3, 4));
        AdamW opt = new AdamW(List.of(a), AdamW.Hyper.defaults());
        for (int i = 0; i < 12; i++) a.grad().data[i] = i - 5.5f;
        opt.step(0.1);
        Map<String, Tensor> saved = opt.state();
        Parameter b = new Parameter("a", a.value().copy());
        AdamW other = new AdamW(List.of(b), AdamW.Hyper.defaults());
        other.loadState(saved, opt.steps());
        System.arraycopy(a.grad().data, 0, b.grad().data, 0, 12);
        opt.step(0.1);
        other.step(0.1);
        assertArrayEquals(a.data(), b.data(), 0f);
    }

    /** Fills a parameter's gradient with fixed values depending on the step. */
    private static void grad(Parameter p, int step) {
        for (int i = 0; i < p.numel(); i++) p.grad().data[i] = (float) Math.sin(1.3 * i + step);
    }

    @Test
    void resetStateMakesAParameterStartOverWhileOthersKeepTheirs() {
        Parameter a = new Parameter("a", Tensor.zeros(2, 3)), b = new Parameter("b", Tensor.zeros(2, 3));
        AdamW opt = new AdamW(List.of(a, b), AdamW.Hyper.defaults());
        for (int t = 0; t < 4; t++) {
            grad(a, t);
            grad(b, t);
            opt.step(0.1);
        }
        opt.resetState(List.of(a));
        assertEquals(0, StepCounter.decode(opt.state().get("step.a"), "a"));
        assertEquals(4, StepCounter.decode(opt.state().get("step.b"), "b"));
        for (float v : opt.state().get("exp_avg.a").data) assertEquals(0f, v);

        // the next update of a is exactly a first update from a's current value
        Parameter fresh = new Parameter("a", a.value().copy());
        AdamW first = new AdamW(List.of(fresh), AdamW.Hyper.defaults());
        grad(a, 9);
        grad(b, 9);
        grad(fresh, 9);
        float[] bBefore = b.data().clone();
        opt.step(0.1);
        first.step(0.1);
        assertArrayEquals(fresh.data(), a.data(), 0f, "reset parameter behaves like a new one");
        // b kept its moments: its step is not a first step (a first Adam step moves every element by ~lr)
        boolean notFirst = false;
        for (int i = 0; i < b.numel(); i++) notFirst |= Math.abs(Math.abs(b.data()[i] - bBefore[i]) - 0.1) > 1e-3;
        assertTrue(notFirst, "b's state was reset too");
    }

    @Test
    void aParameterThatChangesShapeGetsFreshStateOfTheNewSize() {
        Parameter u = new Parameter("u", Tensor.zeros(4, 2));
        AdamW opt = new AdamW(List.of(u), AdamW.Hyper.defaults());
        grad(u, 0);
        opt.step(0.1);
        u.replace(Tensor.zeros(4, 3)); // a rank-adaptive factor grew a column
        grad(u, 1);
        opt.step(0.1);
        assertEquals(12, opt.state().get("exp_avg.u").size());
        assertEquals(1, StepCounter.decode(opt.state().get("step.u"), "u"), "the new shape starts its own count");
        for (float v : u.data()) assertEquals(0.1, Math.abs(v), 1e-6, "a first Adam step moves every element by lr");
    }

    @Test
    void theClosureIsNotNeededByAdamW() {
        Parameter a = new Parameter("a", Tensor.zeros(3));
        AdamW opt = new AdamW(List.of(a), AdamW.Hyper.defaults());
        grad(a, 0);
        opt.step(0.1, () -> {
            throw new AssertionError("AdamW asked for a second forward/backward");
        });
        assertEquals(1, opt.steps());
    }
}
