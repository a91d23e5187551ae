package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerMemoryTest {
    /** §0.4 quotes millions to two decimals, §2f gigabytes to three. */
    private static final double MILLIONS_ROUNDING = 0.005, GB_ROUNDING = 0.0005;

    @Test
    void parameterCountsMatchTheQuotedOnes() {
        String[] names = {"60m", "130m", "350m", "1b"};
        double[] millions = {58.07, 134.11, 367.97, 1339.08};
        for (int i = 0; i < names.length; i++) {
            assertEquals(millions[i], LlamaPaperConfig.byName(names[i]).parameterCount() / 1e6, MILLIONS_ROUNDING, names[i]);
        }
    }

    /** §2f: projector s·r + moments 2·l·r on attention/MLP, plain Adam elsewhere, 2 bytes per element. */
    @Test
    void galoreOptimizerStatesMatchSection2f() {
        String[] names = {"60m", "130m", "350m", "1b"};
        int[] ranks = {128, 256, 256, 512};
        double[] gb = {0.164, 0.343, 0.653, 2.085};
        for (int i = 0; i < names.length; i++) {
            MemoryEstimate e = OptimizerMemory.estimate(LlamaPaperConfig.byName(names[i]), MemoryMethod.GALORE, ranks[i]);
            assertEquals(gb[i], MemoryEstimate.gigabytes(e.counts().optimizerStates(), MemoryEstimate.BF16_BYTES), GB_ROUNDING,
                    names[i]);
        }
    }

    @Test
    void perMatrixFormulas() {
        int m = 6, n = 10, r = 2;
        List<WeightShape> one = List.of(new WeightShape("w", n, m, true)); // stored [out, in] = 10×6: s = 6, l = 10
        assertEquals(new OptimizerMemory.Counts(60, 60, 120), OptimizerMemory.count(one, MemoryMethod.FULL, r));
        assertEquals(new OptimizerMemory.Counts(60, 60, m * r + 2 * n * r), OptimizerMemory.count(one, MemoryMethod.GALORE, r));
        assertEquals(new OptimizerMemory.Counts(60, 60, m * r + 2 * n * r + 1), OptimizerMemory.count(one, MemoryMethod.FIRA, r));
        assertEquals(new OptimizerMemory.Counts(60 + m * r + n * r, m * r + n * r, 2 * m * r + 2 * n * r),
                OptimizerMemory.count(one, MemoryMethod.LORA, r));
        List<WeightShape> plain = List.of(new WeightShape("norm", 7, 1, false));
        assertEquals(new OptimizerMemory.Counts(7, 7, 14), OptimizerMemory.count(plain, MemoryMethod.LORA, r));
        assertThrows(Lowrank4jException.class, () -> OptimizerMemory.count(one, MemoryMethod.GALORE, 7));
    }

    /** The optimizer's own accounting agrees with the formula on a small LLaMA-shaped model. */
    @Test
    void optimizerStateBytesAgreeWithTheFormula() {
        LlamaPaperConfig tiny = new LlamaPaperConfig("tiny", 32, 88, 4, 2, 100);
        List<Parameter> params = tiny.weights().stream()
                .map(w -> new Parameter(w.name(), w.cols() == 1 ? Tensor.zeros(w.rows()) : Tensor.zeros(w.rows(), w.cols())))
                .toList();
        ProjectionTargets.Split split = ProjectionTargets.llamaLinears(params);
        assertEquals(tiny.weights().stream().filter(WeightShape::targeted).count(), split.projected().size());
        int r = 8;
        assertEquals(4 * OptimizerMemory.count(tiny.weights(), MemoryMethod.GALORE, r).optimizerStates(),
                OptimFixtures.memoryBytes(GaLoreAdamW.galore(split.projected(), split.regular(), GaLoreOptions.of(r))));
        assertEquals(4 * OptimizerMemory.count(tiny.weights(), MemoryMethod.FIRA, r).optimizerStates(),
                OptimFixtures.memoryBytes(GaLoreAdamW.fira(split.projected(), split.regular(), GaLoreOptions.of(r), FiraOptions.codeExact())));
    }

    @Test
    void formatsATableAndRejectsUnknownNames() {
        String table = OptimizerMemory.estimate(LlamaPaperConfig.byName("60m"), MemoryMethod.GALORE, 128).format();
        assertTrue(table.contains("mr + 2nr") && table.contains("0.164"), table);
        assertThrows(Lowrank4jException.class, () -> LlamaPaperConfig.byName("3b"));
        assertThrows(Lowrank4jException.class, () -> MemoryMethod.parse("dora"));
    }
}
