package dev.lowrank4j.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.loldu.LolduFile;
import dev.lowrank4j.adapters.peft.PeftAdapter;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Causal-LM fine-tuning end to end on a model pretrained in the test itself. */
class CausalFinetuneJobTest {
    private static final double MERGE_TOL = 1e-4;
    private static final ModelShape SHAPE = new ModelShape(256, 16, 1, 2, 2, 24, 16);
    private static final int[] IDS = {1, 104, 101, 32, 119, 104, 97, 108, 101, 32, 5, 6, 7, 8, 9, 10};

    private static TrainConfig train(int steps) {
        return TrainConfig.builder().steps(steps).batch(2).seq(16).lr(3e-3).warmup(0).betas(0.9, 0.95).evalEvery(steps)
                .evalBatches(1).checkpointEvery(steps).keepCheckpoints(1).logEvery(1).seed(3).build();
    }

    private static Path pretrained(Path tmp) {
        Path run = tmp.resolve("base");
        PretrainJob.run(new PretrainJob.Options(SHAPE, train(2), PretrainMethod.defaults(PretrainMethod.Kind.FULL), null,
                run, false), TrainListener.NONE);
        return run;
    }

    private static Path text(Path tmp) throws Exception {
        byte[] b = new byte[4000];
        for (int i = 0; i < b.length; i++) b[i] = (byte) ("the whale and the sea ".charAt(i % 22));
        return Files.write(tmp.resolve("t.txt"), b);
    }

    private static FinetuneMethod method(FinetuneMethod.Kind k, long stage, double momentum) {
        return new FinetuneMethod(k, 2, 4, stage, momentum, PretrainMethod.LLAMA_LINEARS, 5);
    }

    private static CausalFinetuneJob.Result run(Path base, Path text, FinetuneMethod m, int steps, Path out) {
        return CausalFinetuneJob.run(new CausalFinetuneJob.Options(base, text, m, train(steps), out, false), TrainListener.NONE);
    }

    private static LlamaModel load(Path dir) {
        HfCheckpoint.Loaded ck = HfCheckpoint.load(ModelSource.resolve(dir));
        LlamaModel m = new LlamaModel(ck.config(), 0);
        m.loadWeights(ck.weights());
        return m;
    }

    private static double relativeDifference(Tensor a, Tensor b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.size(); i++) {
            diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
            scale = Math.max(scale, Math.abs(b.data[i]));
        }
        return diff / scale;
    }

    @Test
    void loraWritesAPeftAdapterAndAMergedModelThatAgree(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp);
        CausalFinetuneJob.Result r = run(base, text(tmp), method(FinetuneMethod.Kind.LORA, 0, 0), 3, tmp.resolve("ft"));
        assertEquals(7, r.adaptedModules().size());
        assertTrue(Files.exists(r.adapter().resolve(PeftAdapter.CONFIG_FILE)));
        Tensor viaMerged = load(r.mergedModel()).forward(IDS, 1, 16).copy();
        LlamaModel m2 = load(base);
        PeftAdapter.load(r.adapter(), m2);
        double d = relativeDifference(viaMerged, m2.forward(IDS, 1, 16));
        assertTrue(d < MERGE_TOL, "merged model and base+adapter differ by " + d);
        for (float v : viaMerged.data) assertTrue(Float.isFinite(v));
    }

    @Test
    void periodicLoraUnloadsEveryStageAndItsAdapterHoldsTheWholeUpdate(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp), txt = text(tmp);
        int r = 2, stage = 2, steps = 7; // three stage ends, so the update can reach rank (3 + 1)·r
        CausalFinetuneJob.Result res = run(base, txt, method(FinetuneMethod.Kind.PLORA, stage, 0), steps, tmp.resolve("plora"));

        LlamaModel before = load(base), after = load(res.mergedModel());
        String q = "model.layers.0.self_attn.q_proj.weight";
        float[] w0 = before.parameter(q).data(), w1 = after.parameter(q).data();
        float[] delta = new float[w0.length];
        for (int i = 0; i < delta.length; i++) delta[i] = w1[i] - w0[i];
        int rank = numericalRank(delta, 16, 16);
        assertTrue(rank > r, "PeriodicLoRA's merged update has rank " + rank + ", no more than one LoRA of rank " + r);
        assertTrue(rank <= (steps / stage + 1) * r, "rank " + rank + " exceeds (stages + 1)·r");

        // plora_ranks.jsonl: one line per stage end, the accumulated (unloaded) update's rank grows by at most r per stage
        List<String> lines = Files.readAllLines(tmp.resolve("plora").resolve(PloraRankLog.FILE));
        assertEquals(steps / stage, lines.size());
        int previous = 0;
        for (int k = 0; k < lines.size(); k++) {
            JsonNode n = Json.MAPPER.readTree(lines.get(k));
            assertEquals((k + 1) * stage, n.get("step").asLong());
            assertEquals(k + 1, n.get("stages_completed").asInt());
            int max = n.get("max_rank").asInt();
            assertTrue(max <= (k + 1) * r && max >= previous, "stage " + (k + 1) + ": rank " + max);
            assertEquals(7, n.get("ranks").size());
            previous = max;
        }
        assertTrue(previous > r, "after three stages the unloaded update has rank " + previous + " <= r");

        // the adapter reproduces the tuned model from the ORIGINAL base
        LlamaModel m2 = load(base);
        PeftAdapter.load(res.adapter(), m2);
        double d = relativeDifference(after.forward(IDS, 1, 16).copy(), m2.forward(IDS, 1, 16));
        assertTrue(d < MERGE_TOL, "base + accumulated adapter differs from the merged model by " + d);
    }

    @Test
    void momentumUnloadingChangesTheTrajectory(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp), txt = text(tmp);
        CausalFinetuneJob.Result plain = run(base, txt, method(FinetuneMethod.Kind.PLORA, 3, 0), 5, tmp.resolve("m0"));
        CausalFinetuneJob.Result withMomentum = run(base, txt, method(FinetuneMethod.Kind.PLORA, 3, 0.3), 5, tmp.resolve("m3"));
        assertNotEquals(plain.summary().trainLoss(), withMomentum.summary().trainLoss(), "--momentum had no effect");
        String q = "model.layers.0.self_attn.q_proj.weight";
        float[] a = load(plain.mergedModel()).parameter(q).data(), b = load(withMomentum.mergedModel()).parameter(q).data();
        assertTrue(!java.util.Arrays.equals(a, b), "momentum unloading left the tuned weights identical");
    }

    @Test
    void lolduMergedExportReproducesTheAdaptedModelAndItsFactorsAreSaved(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp);
        CausalFinetuneJob.Result r = run(base, text(tmp), method(FinetuneMethod.Kind.LOLDU, 0, 0), 3, tmp.resolve("loldu"));
        // the run's own last checkpoint holds the adapted model (W_res + factors); the merged folder must agree with it.
        // The permutation comes from decomposing the base weights, so the adapter goes onto the base first.
        LlamaModel adapted = load(base);
        FinetuneMethod.Applied applied = method(FinetuneMethod.Kind.LOLDU, 0, 0).apply(adapted, List.of());
        adapted.loadWeights(HfCheckpoint.readWeights(r.summary().finalCheckpoint()));
        double d = relativeDifference(load(r.mergedModel()).forward(IDS, 1, 16).copy(), adapted.forward(IDS, 1, 16));
        assertTrue(d < MERGE_TOL, "merged LoLDU export differs from the adapted model by " + d);
        try (SafeTensorsFile f = SafeTensors.open(r.adapter().resolve(LolduFile.FILE))) {
            for (String path : applied.modules()) {
                for (String part : List.of("lower", "upper", "vector_z", "scaling_factor", "permutation")) {
                    assertTrue(f.contains(path + ".loldu." + part), path + ".loldu." + part + " missing");
                }
            }
        }
    }

    @Test
    void testMetricsAreScoredOnceOnTheTextsTailAndNeverDuringTraining(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp), out = tmp.resolve("lora");
        CausalFinetuneJob.Result r = run(base, text(tmp), method(FinetuneMethod.Kind.LORA, 0, 0), 3, out);
        assertTrue(Double.isFinite(r.test().get(CausalLm.TEST_LOSS)));
        JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
        for (String k : List.of("val_loss", "val_perplexity", "test_loss", "test_perplexity")) assertTrue(summary.has(k), k);
        int total = summary.get("train_tokens").asInt() + summary.get("val_tokens").asInt() + summary.get("test_tokens").asInt();
        assertTrue(total >= 4000, "every token is in one part");
        assertEquals(Math.round(0.1 * total), summary.get("test_tokens").asInt());
        assertEquals(Math.round(0.1 * total), summary.get("val_tokens").asInt());
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) assertFalse(line.contains("test_"), line);
    }

    @Test
    void everyMethodRunsAndOnlyFullTrainsEverything(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp), txt = text(tmp);
        long full = 0;
        for (FinetuneMethod.Kind k : FinetuneMethod.Kind.values()) {
            CausalFinetuneJob.Result r = run(base, txt, method(k, 2, k == FinetuneMethod.Kind.PLORA ? 0.1 : 0), 4, tmp.resolve(k.name()));
            assertTrue(Double.isFinite(r.summary().metric(CausalLm.VAL_LOSS)), k + " val loss");
            assertTrue(Files.isRegularFile(r.mergedModel().resolve(HfCheckpoint.CONFIG_FILE)), k + " model/");
            if (k == FinetuneMethod.Kind.FULL) full = r.summary().trainableParameters();
            else assertTrue(r.summary().trainableParameters() < full, k + " trains fewer parameters than full");
        }
    }

    @Test
    void anOccupiedRunFolderIsRefusedAndResumeNeedsTheSameOptions(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp), txt = text(tmp), out = tmp.resolve("ft");
        run(base, txt, method(FinetuneMethod.Kind.LORA, 0, 0), 2, out);
        Lowrank4jException again = assertThrows(Lowrank4jException.class, () -> run(base, txt, method(FinetuneMethod.Kind.LORA, 0, 0), 2, out));
        assertTrue(again.getMessage().contains("already holds a run"), again.getMessage());
        Lowrank4jException changed = assertThrows(Lowrank4jException.class, () -> CausalFinetuneJob.run(
                new CausalFinetuneJob.Options(base, txt, method(FinetuneMethod.Kind.LOLDU, 0, 0), train(4), out, true), TrainListener.NONE));
        assertTrue(changed.getMessage().contains("--resume needs the options the run started with") && changed.getMessage().contains("method"),
                changed.getMessage());
    }

    @Test
    void aTextTooShortForTheSequenceIsAOneLineError(@TempDir Path tmp) throws Exception {
        Path base = pretrained(tmp);
        Path tiny = Files.writeString(tmp.resolve("tiny.txt"), "Ishmael");
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> run(base, tiny, method(FinetuneMethod.Kind.LORA, 0, 0), 2,
                tmp.resolve("x")));
        assertTrue(e.getMessage().contains("corpus too small"), e.getMessage());
    }

    /** Singular values above RANK_TOL of the largest, from the exact SVD. */
    static int numericalRank(float[] a, int rows, int cols) {
        return dev.lowrank4j.adapters.plora.UpdateRank.of(a, rows, cols);
    }
}
