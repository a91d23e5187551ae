package dev.lowrank4j.quant;

import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.storage.DenseWeights;
import dev.lowrank4j.quant.intq.IntOptions;
import dev.lowrank4j.quant.intq.IntTensor;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.MemoryLedger;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QLoRA's building block: LoRA over an NF4 (or INT) base through the storage seam, with the fused kernels. */
class PackedWeightsTest {
    private static final int OUT = 24, IN = 80, N = 5;
    private static final double FORWARD_TOL = 1e-4;

    private static float[] random(int n, SplittableRandom rng) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    private static List<QuantizedTensor> packed(float[] w) {
        return List.of(Nf4Tensor.quantize(w, new int[] {OUT, IN}, Nf4Options.DEFAULT),
                Nf4Tensor.quantize(w, new int[] {OUT, IN}, new Nf4Options(64, true)),
                IntTensor.quantize(w, new int[] {OUT, IN}, new IntOptions(4, IntOptions.WHOLE_ROW, false)));
    }

    @Test
    void forwardAndInputGradientEqualTheDenseLayerOverTheDequantizedWeight() {
        SplittableRandom rng = new SplittableRandom(1);
        Tensor x = new Tensor(random(N * IN, rng), N, IN), dy = new Tensor(random(N * OUT, rng), N, OUT);
        for (QuantizedTensor q : packed(random(OUT * IN, rng))) {
            Linear p = new Linear("proj", new PackedWeights(q), null);
            Linear d = new Linear(new Parameter("proj.weight", new Tensor(q.dequantize(), OUT, IN)));
            float[] a = p.forward(x).data.clone(), b = d.forward(x).data;
            for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], FORWARD_TOL, q.format() + " forward " + i);
            float[] ga = p.backward(dy).data.clone(), gb = d.backward(dy).data;
            for (int i = 0; i < ga.length; i++) assertEquals(gb[i], ga[i], FORWARD_TOL, q.format() + " dx " + i);
            assertTrue(p.parameters().isEmpty(), "a packed weight is not a trainable parameter");
        }
    }

    @Test
    void loraOverNf4TrainsItsFactorsAndMergingRoundsToTheGrid() {
        SplittableRandom rng = new SplittableRandom(2);
        Linear base = new Linear("proj", new PackedWeights(packed(random(OUT * IN, rng)).get(0)), null);
        LoraLinear lora = LoraLinear.create("proj", base, new LoraConfig(4, 8, 0, false, LoraInit.GAUSSIAN, TargetModules.names("proj"), 3));
        float[] b = lora.loraB().data();
        for (int i = 0; i < b.length; i++) b[i] = (float) (0.1 * rng.nextGaussian());
        Tensor x = new Tensor(random(N * IN, rng), N, IN), w = new Tensor(random(N * OUT, rng), N, OUT);
        GradCheck.Loss loss = () -> {
            float[] y = lora.forward(x).data;
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) y[i] * w.data[i];
            return s;
        };
        for (Parameter p : lora.adapterParameters()) {
            p.zeroGrad();
            loss.evaluate();
            lora.backward(w);
            GradCheck.assertMatches(p.name(), loss, p.data(), p.grad().data.clone(), 4);
        }
        MemoryLedger ledger = MemoryLedger.of(lora.parameters(), lora.buffers().values(), List.of(), 0);
        assertEquals(((PackedWeights) base.storage()).tensor().bytes(), ledger.get(MemoryCategory.QUANTIZED_WEIGHTS));
        assertEquals(4L * 4 * (OUT + IN), ledger.get(MemoryCategory.WEIGHTS), "only the factors are float");

        float[] exact = base.storage().dequantize().data, delta = lora.deltaWeight().data;
        for (int i = 0; i < exact.length; i++) exact[i] += delta[i];
        lora.merge();
        assertTrue(base.storage().lastRoundingError() > 0, "merging into NF4 rounds");
        float[] merged = base.storage().dequantize().data;
        double worst = 0;
        for (int i = 0; i < merged.length; i++) worst = Math.max(worst, Math.abs(merged[i] - exact[i]));
        assertEquals(worst, base.storage().lastRoundingError(), 1e-6);
    }

    @Test
    void denseAndPackedStoragesDescribeThemselves() {
        SplittableRandom rng = new SplittableRandom(5);
        assertEquals("nf4", new PackedWeights(packed(random(OUT * IN, rng)).get(0)).kind());
        assertEquals("fp32", new DenseWeights(new Parameter("w", Tensor.zeros(2, 3))).kind());
    }
}
