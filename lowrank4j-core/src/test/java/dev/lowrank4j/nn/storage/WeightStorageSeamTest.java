package dev.lowrank4j.nn.storage;

import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.loldu.LolduConfig;
import dev.lowrank4j.adapters.loldu.LolduInit;
import dev.lowrank4j.adapters.loldu.LolduLinear;
import dev.lowrank4j.adapters.lora.LoraConfig;
import dev.lowrank4j.adapters.lora.LoraInit;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.MemoryLedger;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Adapters and the ledger over a storage that holds no float weight: the seam QLoRA and LRQ plug into. */
class WeightStorageSeamTest {
    private static final int OUT = 6, IN = 9, N = 4;
    private static final double FORWARD_TOL = 1e-5;

    private static float[] random(int n, SplittableRandom rng) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    private static Linear gridLinear(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Linear("proj", new GridWeights(random(OUT * IN, rng), OUT, IN), new Parameter("proj.bias", new Tensor(random(OUT, rng), OUT)));
    }

    @Test
    void aLinearOverAPackedStorageComputesWithTheDequantizedWeightAndHasNoWeightParameter() {
        Linear packed = gridLinear(1);
        Linear dense = new Linear("proj", new DenseWeights(new Parameter("proj.weight", packed.storage().dequantize())),
                new Parameter("proj.bias", packed.bias().value().copy()));
        Tensor x = new Tensor(random(N * IN, new SplittableRandom(2)), N, IN);
        float[] a = packed.forward(x).data, b = dense.forward(x).data;
        for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], FORWARD_TOL);
        assertEquals(List.of(packed.bias()), packed.parameters());
        assertThrows(IllegalStateException.class, packed::weight);
    }

    @Test
    void loraOverAPackedBaseTrainsOnlyItsFactorsAndPassesGradientChecks() {
        Linear base = gridLinear(3);
        LoraLinear lora = LoraLinear.create("proj", base, new LoraConfig(2, 4, 0, false, LoraInit.GAUSSIAN, TargetModules.names("proj"), 4));
        SplittableRandom rng = new SplittableRandom(5);
        float[] b = lora.loraB().data();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
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
            GradCheck.assertMatches(p.name(), loss, p.data(), p.grad().data.clone(), 6);
        }
        loss.evaluate();
        GradCheck.assertMatches("input", loss, x.data, lora.backward(w).data.clone(), 7);
        assertNull(base.bias().grad(), "the base is frozen");
    }

    @Test
    void mergingIntoAPackedBaseRoundsToItsGridAndSaysByHowMuch() {
        Linear base = gridLinear(8);
        LoraLinear lora = LoraLinear.create("proj", base, new LoraConfig(2, 4, 0, false, LoraInit.GAUSSIAN, TargetModules.names("proj"), 9));
        float[] b = lora.loraB().data();
        for (int i = 0; i < b.length; i++) b[i] = 0.3f * (i % 3 - 1);
        float[] exact = base.storage().dequantize().data, delta = lora.deltaWeight().data;
        for (int i = 0; i < exact.length; i++) exact[i] += delta[i];
        lora.merge();
        float[] merged = base.storage().dequantize().data;
        double worst = 0;
        for (int i = 0; i < exact.length; i++) worst = Math.max(worst, Math.abs(merged[i] - exact[i]));
        assertTrue(worst > 0, "a grid cannot hold every merged value exactly");
        assertEquals(worst, base.storage().lastRoundingError(), 1e-6, "the storage reports what merging cost");
    }

    @Test
    void lolduOverAPackedBaseStartsAtTheBaseFunction() {
        Linear base = gridLinear(10);
        Tensor x = new Tensor(random(N * IN, new SplittableRandom(11)), N, IN);
        float[] before = base.forward(x).data.clone();
        LolduLinear loldu = LolduLinear.create("proj", base, new LolduConfig(3, 3, LolduInit.LU, false, TargetModules.names("proj"), 12));
        float[] after = loldu.forward(x).data;
        double scale = 0;
        for (float v : before) scale = Math.max(scale, Math.abs(v));
        // W_res is re-encoded on the grid, so the start matches to the grid's rounding, not to float precision
        for (int i = 0; i < before.length; i++) assertEquals(before[i], after[i], 0.05 * scale, "output " + i);
    }

    @Test
    void theLedgerBooksPackedWeightsUnderTheirOwnCategory() {
        Linear base = gridLinear(13);
        LoraLinear lora = LoraLinear.create("proj", base, new LoraConfig(2, 4, 0, false, LoraInit.KAIMING_UNIFORM, TargetModules.names("proj"), 14));
        MemoryLedger ledger = MemoryLedger.of(lora.parameters(), lora.buffers().values(), List.of(), 0);
        assertEquals(OUT * IN, ledger.get(MemoryCategory.QUANTIZED_WEIGHTS), "one byte per code");
        assertEquals(4L * (OUT + 2 * IN + 2 * OUT), ledger.get(MemoryCategory.WEIGHTS), "bias and the two factors");
        assertEquals(4L * (2 * IN + 2 * OUT), ledger.get(MemoryCategory.GRADIENTS), "only the factors train");
    }
}
