package dev.lowrank4j.dlrt;

import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.models.vision.LeNet5;
import dev.lowrank4j.models.vision.Mlp;
import dev.lowrank4j.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ALGORITHMS.md §6(h) tests 1, 3 and 5 on small networks and random data. */
class KlsIntegratorTest {
    private static final int BATCH = 8;

    /** A small dense network: fc1 16→12, fc2 12→10 low rank, fc3 10→3 the full-rank head. */
    private static Mlp smallMlp() {
        return new Mlp(1, 4, 4, List.of(12, 10), 3, 7);
    }

    private record Data(float[] images, int[] labels) {}

    private static Data data(ImageClassifier m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[BATCH * m.channels() * m.height() * m.width()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) y[i] = rng.nextInt(m.numClasses());
        return new Data(x, y);
    }

    private static double step(ImageClassifier model, KlsIntegrator kls, Data d, double lr) {
        model.zeroGrad();
        double loss = model.lossAndBackward(d.images(), d.labels(), BATCH);
        kls.step(lr, () -> {
            model.zeroGrad();
            return model.lossAndBackward(d.images(), d.labels(), BATCH);
        });
        return loss;
    }

    private static void assertOrthonormal(String what, float[] q, int rows, int cols) {
        for (int a = 0; a < cols; a++) {
            for (int b = 0; b < cols; b++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) dot += (double) q[i * cols + a] * q[i * cols + b];
                assertEquals(a == b ? 1 : 0, dot, 1e-6, what + " column " + a + "·" + b);
            }
        }
    }

    private static void assertBasesOrthonormal(List<LowRankLinear> layers, int step) {
        for (LowRankLinear l : layers) {
            assertOrthonormal(l.modulePath() + ".U after step " + step, l.u().data(), l.outFeatures(), l.rank());
            assertOrthonormal(l.modulePath() + ".V after step " + step, l.v().data(), l.inFeatures(), l.rank());
        }
    }

    @Test
    void basesStayOrthonormalAndRanksStayWithinOneAndTwiceTheRank() {
        for (DlrtOptions o : List.of(DlrtOptions.fixed(3), DlrtOptions.adaptive(0.2), DlrtOptions.adaptive(0.05).withAbsoluteTau(true),
                DlrtOptions.adaptive(0.3).withQuirks(DlrtOptions.Quirks.COMPILELAB),
                DlrtOptions.adaptive(0.1).withInit(LowRankInit.Kind.RANDOM_ORTHONORMAL).withIntegrator(DlrtOptions.IntegratorKind.ADAM))) {
            Mlp model = smallMlp();
            List<LowRankLinear> layers = LowRankConversion.apply(model, LowRankConversion.startRanks(model, new int[] {3}, o.fixedRank()),
                    o.init(), 7);
            KlsIntegrator kls = new KlsIntegrator(layers, model.parameters(), o);
            assertBasesOrthonormal(layers, 0);
            for (int s = 1; s <= 6; s++) {
                int[] before = layers.stream().mapToInt(LowRankLinear::rank).toArray();
                step(model, kls, data(model, s), 0.05);
                assertBasesOrthonormal(layers, s);
                for (int i = 0; i < layers.size(); i++) {
                    int r = layers.get(i).rank();
                    assertTrue(r >= 1 && r <= 2 * before[i], o + ": rank " + before[i] + " -> " + r);
                    if (!o.adaptive()) assertEquals(3, r);
                }
            }
        }
    }

    @Test
    void adaptiveStepsReduceTheLossAndTheRank() {
        Mlp model = smallMlp();
        DlrtOptions o = DlrtOptions.adaptive(0.3);
        List<LowRankLinear> layers = LowRankConversion.apply(model, LowRankConversion.startRanks(model, null, 0), o.init(), 7);
        KlsIntegrator kls = new KlsIntegrator(layers, model.parameters(), o);
        Data d = data(model, 99);
        double first = step(model, kls, d, 0.1), last = first;
        for (int s = 0; s < 30; s++) last = step(model, kls, d, 0.1);
        assertTrue(last < first, "loss " + first + " -> " + last);
        assertTrue(layers.get(0).rank() < 6, "fc1 rank from 6 to " + layers.get(0).rank() + " at ϑ = 0.3");
    }

    /**
     * §6(h) test 3: at full rank a KLS step equals an SGD step on W = U·S·Vᵀ up to O(λ²): the
     * difference must shrink about fourfold when λ halves, and stay far below the step itself.
     */
    @Test
    void fullRankKlsMatchesSgdToSecondOrder() {
        double e1 = klsMinusSgd(0.02), e2 = klsMinusSgd(0.01), e3 = klsMinusSgd(0.005);
        assertTrue(e1 / e2 > 3 && e2 / e3 > 3, "KLS-SGD differences " + e1 + ", " + e2 + ", " + e3 + " are not O(λ²)");
    }

    /** ‖W_KLS − W_SGD‖ / ‖W_SGD − W₀‖ after one step of size lr from the same start, layer fc1. */
    private static double klsMinusSgd(double lr) {
        Data d = data(smallMlp(), 5);
        Mlp dense = smallMlp(); // plain SGD on the dense weights
        dense.zeroGrad();
        dense.lossAndBackward(d.images(), d.labels(), BATCH);
        Parameter w = ((dev.lowrank4j.nn.Linear) dense.linears().get("fc1")).weight();
        float[] w0 = w.data().clone(), sgd = w0.clone();
        for (int i = 0; i < sgd.length; i++) sgd[i] -= (float) (lr * w.grad().data[i]);

        Mlp lowRank = smallMlp();
        DlrtOptions o = DlrtOptions.fixed(12);
        List<LowRankLinear> layers = LowRankConversion.apply(lowRank, new java.util.LinkedHashMap<>(Map.of("fc1", 12)), o.init(), 7);
        KlsIntegrator kls = new KlsIntegrator(layers, lowRank.parameters(), o);
        float[] start = layers.get(0).denseWeight();
        for (int i = 0; i < start.length; i++) assertEquals(w0[i], start[i], 1e-5, "the full-rank SVD start is W₀");
        step(lowRank, kls, d, lr);
        float[] kl = layers.get(0).denseWeight();
        double diff = 0, move = 0;
        for (int i = 0; i < kl.length; i++) {
            diff += Math.pow(kl[i] - sgd[i], 2);
            move += Math.pow(sgd[i] - w0[i], 2);
        }
        assertTrue(Math.sqrt(diff) < 0.1 * Math.sqrt(move), "KLS strays from SGD at lr " + lr);
        return Math.sqrt(diff);
    }

    @Test
    void lenet5ConvolutionsTrainAsLowRank() {
        LeNet5 model = new LeNet5(1, 16, 16, 10, 3);
        DlrtOptions o = DlrtOptions.adaptive(0.15);
        List<LowRankLinear> layers = LowRankConversion.apply(model, LowRankConversion.startRanks(model, null, 0), o.init(), 3);
        assertEquals(List.of("conv1", "conv2", "fc1"), layers.stream().map(LowRankLinear::modulePath).toList());
        assertTrue(layers.get(0).isConvolution() && !layers.get(2).isConvolution());
        assertEquals(List.of(10, 25, 25), layers.stream().map(LowRankLinear::rank).toList()); // min(m, n)/2; fc1 is 50→500 here
        KlsIntegrator kls = new KlsIntegrator(layers, model.parameters(), o);
        Data d = data(model, 11);
        float[] conv1Before = layers.get(0).denseWeight();
        double first = step(model, kls, d, 0.05), last = first;
        for (int s = 0; s < 4; s++) last = step(model, kls, d, 0.05);
        float[] conv1After = layers.get(0).denseWeight();
        double moved = 0;
        for (int i = 0; i < conv1After.length; i++) moved += Math.abs(conv1After[i] - conv1Before[i]);
        assertTrue(moved > 0, "conv1 receives gradient (ScSteffen's conv layers do not after the first step)");
        assertTrue(Double.isFinite(last) && last < first, "loss " + first + " -> " + last);
        assertBasesOrthonormal(layers, 5);
    }
}
