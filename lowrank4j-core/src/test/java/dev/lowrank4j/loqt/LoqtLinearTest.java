package dev.lowrank4j.loqt;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoqtLinearTest {
    static Linear dense(String path, int in, int out, long seed) {
        Parameter w = new Parameter(path + ".weight", new Tensor(LeastSquares.gaussian(new Rng(seed), out * in, 0.2), out, in));
        return new Linear(w);
    }

    /** A layer after its first update, from the least-squares gradient at its initial weight. */
    static LoqtLinear initialised(int in, int out, LoqtConfig cfg, LeastSquares data) {
        LoqtLinear l = new LoqtLinear("m.q_proj", dense("m.q_proj", in, out, 11), cfg);
        l.beginUpdate();
        data.backward(l);
        l.finishUpdate(TopSvd.exactJava(), 0);
        return l;
    }

    @Test
    void sideAndShapesFollowTheAuthorsRule() {
        LeastSquares d1 = new LeastSquares(16, 8, 12, 1), d2 = new LeastSquares(16, 12, 8, 1);
        LoqtLinear left = initialised(8, 12, LoqtConfig.notQuantized(3), d1);
        assertEquals(LoqtSide.LEFT, left.side());
        assertEquals("m.q_proj.lora_B.weight", left.factor().name());
        assertEquals(12 * 3, left.factor().numel());
        assertEquals(3 * 8, left.projection().length);
        LoqtLinear right = initialised(12, 8, LoqtConfig.notQuantized(3), d2);
        assertEquals(LoqtSide.RIGHT, right.side());
        assertEquals("m.q_proj.lora_A.weight", right.factor().name());
        assertEquals(3 * 12, right.factor().numel());
        assertEquals(8 * 3, right.projection().length);
    }

    @Test
    void backwardMatchesFiniteDifferencesForTheFactorAndTheInput() {
        for (int[] shape : new int[][] {{8, 12}, {12, 8}}) {
            LeastSquares data = new LeastSquares(10, shape[0], shape[1], 2);
            for (LoqtConfig cfg : new LoqtConfig[] {LoqtConfig.notQuantized(3).withAlpha(0.7),
                    LoqtConfig.quantized(3).withAlpha(0.7).withCompensation(2)}) {
                LoqtLinear l = initialised(shape[0], shape[1], cfg, data);
                // move B off its initial value so every term of the gradient is nonzero
                float[] b = l.factor().data();
                Rng rng = new Rng(3);
                for (int i = 0; i < b.length; i++) b[i] += (float) (0.3 * rng.nextGaussian());
                l.factor().zeroGrad();
                Tensor dx = data.backward(l).copy();
                float[] g = l.factor().grad().data.clone();
                double h = 1e-2;
                for (int i = 0; i < b.length; i += 3) {
                    float keep = b[i];
                    b[i] = (float) (keep + h);
                    double up = data.loss(l);
                    b[i] = (float) (keep - h);
                    double down = data.loss(l);
                    b[i] = keep;
                    assertEquals((up - down) / (2 * h), g[i], 2e-3, cfg + " factor " + i);
                }
                float[] x = data.x.data;
                for (int i = 0; i < x.length; i += 7) {
                    float keep = x[i];
                    x[i] = (float) (keep + h);
                    double up = data.loss(l);
                    x[i] = (float) (keep - h);
                    double down = data.loss(l);
                    x[i] = keep;
                    assertEquals((up - down) / (2 * h), dx.data[i], 2e-3, cfg + " input " + i);
                }
            }
        }
    }

    @Test
    void mergeKeepsTheFunctionAndExposesTheFullGradient() {
        LeastSquares data = new LeastSquares(10, 8, 12, 4);
        LoqtLinear l = initialised(8, 12, LoqtConfig.quantized(3).withAlpha(0.5).withCompensation(1), data);
        float[] b = l.factor().data();
        for (int i = 0; i < b.length; i++) b[i] += 0.1f * (i % 5 - 2);
        float[] before = l.forward(data.x).data.clone();
        float[] merged = l.mergedWeight();
        l.beginUpdate();
        float[] after = l.forward(data.x).data;
        for (int i = 0; i < before.length; i++) assertEquals(before[i], after[i], 1e-5, "W x + s·B·P x = W_new x");
        Parameter w = l.capturedWeight();
        for (int i = 0; i < merged.length; i++) assertEquals(merged[i], w.data()[i], 0f);
        data.backward(l);
        // full gradient of ½‖XWᵀ−Y‖²/N is (XWᵀ−Y)ᵀX/N
        float[] pred = after;
        for (int o = 0; o < 12; o++) {
            for (int i = 0; i < 8; i++) {
                double g = 0;
                for (int n = 0; n < 10; n++) g += (pred[n * 12 + o] - data.y.data[n * 12 + o]) * data.x.data[n * 8 + i] / 10.0;
                assertEquals(g, w.grad().data[o * 8 + i], 1e-4);
            }
        }
        l.finishUpdate(TopSvd.exactJava(), 1);
        assertNull(l.capturedWeight());
        assertEquals("nf4", l.weightStorage().kind());
        assertTrue(l.parameters().stream().noneMatch(p -> p.name().equals("m.q_proj.weight")), "no float W after the update");
        assertTrue(l.buffers().containsKey("weight") && l.buffers().containsKey("lora_A.weight"), l.buffers().keySet().toString());
    }

    @Test
    void projectionIsTheTopSingularSubspaceOfTheGradient() {
        LeastSquares data = new LeastSquares(10, 8, 12, 5);
        LoqtLinear l = new LoqtLinear("m.q_proj", dense("m.q_proj", 8, 12, 11), LoqtConfig.notQuantized(3));
        l.beginUpdate();
        data.backward(l);
        float[] g = l.capturedWeight().grad().data.clone();
        l.finishUpdate(TopSvd.exactJava(), 0);
        float[] p = l.projection(); // [3, 8], rows orthonormal
        float[] vt = TopSvd.exactJava().top(g, 12, 8, 3, 0, "g").vt();
        for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) {
            double a = 0, c = 0;
            for (int k = 0; k < 3; k++) {
                a += p[k * 8 + i] * p[k * 8 + j];
                c += vt[k * 8 + i] * vt[k * 8 + j];
            }
            assertEquals(c, a, 1e-5, "P Pᵀ");
        }
    }

    @Test
    void rankLargerThanTheLayerIsAOneLineError() {
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> new LoqtLinear("m.q_proj", dense("m.q_proj", 8, 12, 1), LoqtConfig.quantized(9)));
        assertEquals("m.q_proj: LoQT needs rank <= min(out, in) = 8, got 9", e.getMessage());
    }

    @Test
    void nonFiniteWeightsOrGradientsAreOneLineErrorsThatCommitNothing() {
        LeastSquares data = new LeastSquares(10, 8, 12, 6);
        LoqtLinear l = initialised(8, 12, LoqtConfig.quantized(3).withCompensation(1), data);
        l.beginUpdate();
        data.backward(l);
        float[] g = l.capturedWeight().grad().data.clone();
        l.capturedWeight().data()[5] = Float.POSITIVE_INFINITY;
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> l.initialize(g, TopSvd.exactJava(), 0));
        assertTrue(e.getMessage().startsWith("cannot quantize the merged weight of m.q_proj: element 5 is Infinity"), e.getMessage());
        assertEquals("fp32", l.weightStorage().kind(), "the failed update left the float W in place");
        g[3] = Float.NaN;
        l.capturedWeight().data()[5] = 0;
        e = assertThrows(Lowrank4jException.class, () -> l.initialize(g, TopSvd.exactJava(), 0));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("m.q_proj.weight gradient"), e.getMessage());
        assertThrows(Lowrank4jException.class, () -> l.initialize(new float[7], TopSvd.exactJava(), 0), "gradient of the wrong shape");
        l.initialize(data.backwardGradient(l), TopSvd.exactJava(), 0);
        assertEquals("nf4", l.weightStorage().kind());
    }

    @Test
    void quantizedProjectionNeedsQuantizedWeights() {
        assertThrows(Lowrank4jException.class, () -> LoqtConfig.notQuantized(2).withQuantizedProjection(true));
    }
}
