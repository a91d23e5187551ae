package dev.lowrank4j.loqt;

import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory-saving paths give today's numbers bit for bit: a model whose projections are
 * generated on demand ({@link LlamaModel#withGeneratedProjections}) against the float32 model, and
 * the layer-by-layer merge inside one backward against merging all layers around the closure.
 * Eight steps with merges at 0, 3 and 6 (fixed gaps), so later merges (deq W + s·B·P, re-quantized
 * with compensation) are covered as well as the first one from W as initialised.
 */
class LoqtLayerwiseMergeTest {
    private static final LlamaConfig CONFIG = new ModelShape(64, 32, 2, 2, 2, 48, 16).toConfig();
    private static final int STEPS = 8, BATCH = 2, SEQ = 8;

    private record Run(List<Float> losses, Map<String, Tensor> merged, int updates) {}

    private static LoqtConfig cfg(boolean quantized) {
        LoqtConfig c = quantized ? LoqtConfig.quantized(4).withCompensation(2) : LoqtConfig.notQuantized(4);
        return c.withSchedule(new MergeSchedule(3, 0));
    }

    private static Run train(boolean generated, boolean layerwise, boolean quantized) {
        LlamaModel model = generated ? LlamaModel.withGeneratedProjections(CONFIG, 5) : new LlamaModel(CONFIG, 5);
        LoqtAdapters loqt = LoqtAdapters.inject(model, PretrainMethod.LLAMA_LINEARS, cfg(quantized));
        AdamW inner = new AdamW(model::parameters, new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1), p -> p.value().rank() >= 2);
        LoqtOptimizer opt = loqt.optimizer(inner, TopSvd.exactJava(), 7);
        Rng rng = new Rng(11);
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            int[] ids = new int[BATCH * SEQ], targets = new int[BATCH * SEQ];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rng.nextInt(CONFIG.vocabSize());
                targets[i] = rng.nextInt(CONFIG.vocabSize());
            }
            model.zeroGrad();
            losses.add(model.lossAndBackward(ids, targets, BATCH, SEQ));
            Optimizer.Closure pass = () -> {
                model.zeroGrad();
                return model.lossAndBackward(ids, targets, BATCH, SEQ);
            };
            opt.step(1e-2, layerwise ? Optimizer.Closure.singleBackward(pass::reevaluate) : pass);
        }
        return new Run(losses, loqt.mergedWeights(), opt.updates());
    }

    private static void assertSame(Run expected, Run actual) {
        assertEquals(3, expected.updates(), "merges at steps 0, 3 and 6");
        assertEquals(expected.updates(), actual.updates());
        assertEquals(expected.losses(), actual.losses(), "the loss of every step, bit for bit");
        assertEquals(expected.merged().keySet(), actual.merged().keySet());
        expected.merged().forEach((name, w) -> assertArrayEquals(w.data, actual.merged().get(name).data, 0f, name));
    }

    @Test
    void generatedProjectionsTrainExactlyLikeTheFloatModel() {
        assertSame(train(false, false, true), train(true, false, true));
    }

    @Test
    void layerByLayerMergeEqualsMergingAllLayersAtOnce() {
        Run allAtOnce = train(false, false, true);
        assertSame(allAtOnce, train(false, true, true));
        assertSame(allAtOnce, train(true, true, true)); // both savings together: what pretrain and bench step run
        assertSame(train(false, false, false), train(false, true, false)); // LoQT-nq
        assertTrue(allAtOnce.losses().get(STEPS - 1) < allAtOnce.losses().get(0) + 1, "the run stays finite and sane");
    }

    @Test
    void generatedProjectionsHoldNoFloatWeights() {
        LlamaModel dense = new LlamaModel(CONFIG, 5), generated = LlamaModel.withGeneratedProjections(CONFIG, 5);
        long projections = 2L * (4 * 32 * 32 + 3 * 32 * 48);
        assertEquals(count(dense.parameters()) - projections, count(generated.parameters()));
        // the generated weight is the float one, value for value
        float[] q = dense.linears().get("model.layers.1.mlp.down_proj").parameters().get(0).data();
        var storage = ((dev.lowrank4j.nn.Linear) generated.linears().get("model.layers.1.mlp.down_proj")).storage();
        assertArrayEquals(q, storage.dequantize().data, 0f);
        assertThrows(IllegalStateException.class, () -> storage.assign(q), "read-only");
    }

    @Test
    void aLayerTheBackwardNeverReachesIsAnError() {
        LlamaModel model = LlamaModel.withGeneratedProjections(CONFIG, 5);
        LoqtAdapters loqt = LoqtAdapters.inject(model, PretrainMethod.LLAMA_LINEARS, cfg(true));
        AdamW inner = new AdamW(model::parameters, new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1), p -> p.value().rank() >= 2);
        LoqtOptimizer opt = loqt.optimizer(inner, TopSvd.exactJava(), 7);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> opt.step(1e-2, Optimizer.Closure.singleBackward(() -> 0.0)));
        assertTrue(e.getMessage().contains("no gradient reached"), e.getMessage());
    }

    private static long count(List<Parameter> ps) {
        return ps.stream().mapToLong(Parameter::numel).sum();
    }
}
