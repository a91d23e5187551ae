package dev.lowrank4j.loqt;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.PretrainJob;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.TrainSummary;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.bnb.Bnb4bitWeights;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoQT through the pretraining job: merges on schedule, the ledger, the exported folder. */
class LoqtPretrainTest {
    private static final ModelShape SHAPE = new ModelShape(256, 32, 1, 2, 2, 64, 16);

    private static TrainConfig train(int steps) {
        return TrainConfig.builder().steps(steps).batch(4).seq(16).lr(5e-3).warmup(0).betas(0.9, 0.95).evalEvery(steps)
                .evalBatches(1).checkpointEvery(steps).keepCheckpoints(1).logEvery(1).seed(3).build();
    }

    private static PretrainMethod loqt(boolean quantized, long gap, boolean reset) {
        return new PretrainMethod(quantized ? PretrainMethod.Kind.LOQT : PretrainMethod.Kind.LOQT_NQ, 4, gap, 0.25, 0.5,
                "std", "exact", 1.2, quantized ? 2 : 0, quantized, reset);
    }

    @Test
    void quantizedRunTrainsBooksNf4AndExportsTheMergedModel(@TempDir Path tmp) {
        Path run = tmp.resolve("loqt");
        PretrainJob.Options o = new PretrainJob.Options(SHAPE, train(30), loqt(true, 8, false), null, run, false);
        PretrainJob.Prepared p = PretrainJob.prepare(o);
        TrainSummary s = p.trainer().run(false);
        assertTrue(s.memory().get(MemoryCategory.QUANTIZED_WEIGHTS) > 0, "NF4 W and P are booked: " + s.memory().asMap());
        LoqtAdapters loqt = LoqtAdapters.find(p.model());
        for (LoqtLinear l : loqt.byPath().values()) assertEquals("nf4", l.weightStorage().kind());
        // no float weight for a projection trains or stays: the trainable count is B + embeddings, norms, head
        long targeted = loqt.byPath().values().stream().mapToLong(l -> l.factor().numel()).sum();
        long rest = 256 * 32 * 2 + 32 * 3;
        assertEquals(targeted + rest, s.trainableParameters());

        Path dir = tmp.resolve("model");
        PretrainJob.exportModel(dir, p.model(), null);
        HfCheckpoint.Loaded ck = HfCheckpoint.load(dir);
        LlamaModel plain = new LlamaModel(ck.config(), 0);
        plain.loadWeights(ck.weights());
        int[] ids = new int[32], tg = new int[32];
        Rng rng = new Rng(5);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(256);
            tg[i] = rng.nextInt(256);
        }
        Tensor a = p.model().forward(ids, 2, 16).copy(), b = plain.forward(ids, 2, 16);
        double worst = 0;
        for (int i = 0; i < a.size(); i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
        assertTrue(worst < 1e-3, "the plain folder computes what the LoQT model computes: " + worst);
    }

    @Test
    void bothVariantsLowerTheLoss(@TempDir Path tmp) {
        for (boolean q : new boolean[] {true, false}) {
            Path run = tmp.resolve("r" + q);
            TrainSummary s = PretrainJob.run(new PretrainJob.Options(SHAPE, train(24), loqt(q, 8, false), null, run, false), TrainListener.NONE);
            double first = firstLoss(run);
            assertTrue(s.trainLoss() < first - 0.3, (q ? "loqt" : "loqt-nq") + ": " + first + " -> " + s.trainLoss());
            assertTrue(run.resolve("model").resolve(HfCheckpoint.WEIGHTS_FILE).toFile().isFile());
            assertEquals(q, run.resolve(PretrainJob.MODEL_NF4_DIR).toFile().isDirectory(), "NF4 folder only for quantized LoQT");
        }
        // the NF4 folder: bitsandbytes tensors for every projection, NF4 of the plain folder's merged weight
        Path run = tmp.resolve("rtrue");
        Path nf4 = run.resolve(PretrainJob.MODEL_NF4_DIR);
        Map<String, Tensor> plain = HfCheckpoint.readWeights(run.resolve("model"));
        String name = "model.layers.0.mlp.down_proj.weight";
        try (SafeTensorsFile f = SafeTensors.open(nf4.resolve(HfCheckpoint.WEIGHTS_FILE))) {
            Nf4Tensor t = Bnb4bitWeights.read(f, name, 32, 64);
            assertArrayEquals(Nf4Tensor.quantize(plain.get(name).data, new int[] {32, 64}, Nf4Options.DEFAULT).codes(), t.codes());
            assertTrue(f.contains("model.embed_tokens.weight") && !f.contains("model.layers.0.mlp.down_proj.lora_A.weight"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        String config = readString(nf4.resolve(HfCheckpoint.CONFIG_FILE));
        assertTrue(config.contains("\"quantization_config\"") && config.contains("nf4"), config);
    }

    private static String readString(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static double firstLoss(Path run) {
        try {
            String line = java.nio.file.Files.readAllLines(run.resolve("metrics.jsonl")).getFirst();
            return dev.lowrank4j.util.Json.MAPPER.readTree(line).get("loss").asDouble();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Adam's first moment of every B after step {@code steps}, with a merge on the last step. */
    private static float[] momentsAfterMerge(boolean reset) {
        PretrainMethod m = loqt(true, 4, reset);
        LlamaModel model = new LlamaModel(SHAPE.toConfig(), 1);
        m.prepare(model, 1);
        Optimizer opt = m.optimizer(model, train(5));
        int[] ids = new int[32], tg = new int[32];
        Rng rng = new Rng(2);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(256);
            tg[i] = rng.nextInt(256);
        }
        Optimizer.Closure closure = () -> {
            model.zeroGrad();
            return model.lossAndBackward(ids, tg, 2, 16);
        };
        for (int t = 0; t < 5; t++) { // merges at optimizer steps 0 and 4
            closure.reevaluate();
            opt.step(1e-2, closure);
        }
        String name = "exp_avg." + LoqtAdapters.find(model).byPath().values().iterator().next().factor().name();
        return opt.state().get(name).data.clone();
    }

    @Test
    void adapterStateIsCarriedOverByDefaultAndResetOnRequest() {
        float[] carried = momentsAfterMerge(false), reset = momentsAfterMerge(true);
        double c = 0, r = 0;
        for (float v : carried) c = Math.max(c, Math.abs(v));
        for (float v : reset) r = Math.max(r, Math.abs(v));
        assertTrue(c > 0, "carried-over momentum survives the merge step");
        assertEquals(0, r, 0, "reset: zero moments and a zero gradient on the merge step");
    }

    @Test
    void rankLargerThanALayerIsAOneLineError(@TempDir Path tmp) {
        PretrainMethod big = new PretrainMethod(PretrainMethod.Kind.LOQT, 33, 8, 0.25, 0.5, "std", "exact", 1.2, 2, true, false);
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> PretrainJob.prepare(new PretrainJob.Options(SHAPE, train(2), big, null, tmp.resolve("a"), false)));
        assertTrue(e.getMessage().contains("LoQT needs r <= min(out, in) = 32, got r = 33"), e.getMessage());
    }
}
