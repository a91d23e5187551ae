package dev.lowrank4j.optim;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(4L * 4 * n, opt.stateBytes());
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
}
