package dev.lowrank4j.loqt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsDtype;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.PretrainJob;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainSummary;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pretrain --method loqt|loqt-nq --resume}: a run resumed from checkpoint k ends bit for bit
 * where the uninterrupted run ends (float weights, NF4 codes and scales, optimizer state, every
 * metric). T = 3, ψ = 1.2 merge at optimizer steps 0, 3 and 7 of 9, so checkpoints 3 and 7 resume
 * onto a merge and 4 and 8 resume just after one. A checkpoint missing a piece, or of other LoQT
 * settings, is a one-line error; tampering with a piece that loads changes the result.
 */
class LoqtResumeTest {
    private static final ModelShape SHAPE = new ModelShape(256, 32, 1, 2, 2, 64, 16);
    private static final int TOTAL = 9;
    private static final String DOWN = "model.layers.0.mlp.down_proj"; // in 64 > out 32: the right side, P = lora_B

    private static TrainConfig train() {
        return TrainConfig.builder().steps(TOTAL).batch(4).seq(16).lr(5e-3).warmup(2).betas(0.9, 0.95).evalEvery(4)
                .evalBatches(1).checkpointEvery(1).keepCheckpoints(TOTAL).logEvery(1).seed(3).build();
    }

    private static PretrainMethod method(PretrainMethod.Kind kind, boolean quantizeProjection) {
        boolean q = kind == PretrainMethod.Kind.LOQT;
        return new PretrainMethod(kind, 4, 3, 0.25, 0.5, "std", "exact", 1.2, q ? 2 : 0, q && quantizeProjection, false);
    }

    /** Everything a run ends with that a resume must reproduce. */
    private record Outcome(Map<String, float[]> floats, Map<String, byte[]> codes, Map<String, float[]> dequantized,
                           Map<String, float[]> optimizer, List<JsonNode> metrics, double valLoss) {}

    /** The uninterrupted quantized run (W and P in NF4) that three of the tests resume from, run once. */
    @TempDir
    static Path shared;
    private static Path run;
    private static Outcome straight;

    @BeforeAll
    static void runStraight() {
        run = shared.resolve("straight");
        straight = straight(run, method(PretrainMethod.Kind.LOQT, true));
    }

    @Test
    void quantizedLoqtResumesBitExactlyBeforeAndAfterMerges(@TempDir Path tmp) {
        assertEquals(List.of(0L, 3L, 7L), new MergeSchedule(3, 1.2).steps(TOTAL - 1));
        assertEquals(14, straight.codes().size(), "W and P of all 7 projections are NF4 state: " + straight.codes().keySet());
        for (int k : new int[] {3, 4, 7, 8}) assertSameRun(straight, resume(run, k, tmp.resolve("k" + k), dir -> {}), "from step " + k);
        // not vacuous: the merge at step 7 re-quantized W after checkpoint 4 was written
        Map<String, Nf4Tensor> atFour = Checkpoints.load(checkpoint(run, 4)).packed();
        assertFalse(Arrays.equals(atFour.get(DOWN + ".weight").codes(), straight.codes().get(DOWN + ".weight")));
    }

    @Test
    void loqtNqAndFloatProjectionsResumeBitExactly(@TempDir Path tmp) {
        Path nq = tmp.resolve("nq");
        Outcome straightNq = straight(nq, method(PretrainMethod.Kind.LOQT_NQ, false));
        assertTrue(straightNq.codes().isEmpty() && straightNq.floats().containsKey(DOWN + ".lora_B.weight"),
                "loqt-nq: W and P are float parameters");
        for (int k : new int[] {3, 4}) assertSameRun(straightNq, resume(nq, k, tmp.resolve("nq" + k), dir -> {}), "loqt-nq from step " + k);

        Path floatP = tmp.resolve("floatP");
        Outcome straightP = straight(floatP, method(PretrainMethod.Kind.LOQT, false));
        assertEquals(7, straightP.codes().size(), "only W is NF4: " + straightP.codes().keySet());
        assertSameRun(straightP, resume(floatP, 4, tmp.resolve("floatP4"), dir -> {}), "loqt with float P from step 4");
    }

    @Test
    void everyRestoredPieceChangesTheResult(@TempDir Path tmp) {
        Outcome noMoments = resume(run, 4, tmp.resolve("m"), dir -> edit(dir.resolve(Checkpoints.OPTIMIZER_FILE), t -> t.replaceAll(
                (name, v) -> name.startsWith("exp_avg.") && name.contains(".lora_") ? Tensor.zeros(((Tensor) v).shape()) : v)));
        assertFalse(sameWeights(straight, noMoments), "B's Adam moments are part of the trajectory");
        Outcome flipped = resume(run, 4, tmp.resolve("w"), dir -> edit(dir.resolve(HfCheckpoint.WEIGHTS_FILE), t -> {
            Bytes codes = (Bytes) t.get(DOWN + ".weight");
            codes.data()[0] ^= 0x10; // one element one NF4 code further
        }));
        assertFalse(sameWeights(straight, flipped), "the NF4 W the checkpoint holds is the one the run continues from");
    }

    @Test
    void missingOrMismatchedLoqtStateIsAOneLineError(@TempDir Path tmp) {
        refused(run, tmp.resolve("noW"), dir -> edit(dir.resolve(HfCheckpoint.WEIGHTS_FILE),
                t -> t.keySet().removeIf(n -> n.startsWith(DOWN + ".weight"))), cfg -> {}, DOWN + ".weight: missing from the checkpoint");
        // what a LoQT checkpoint of an older lowrank4j holds: no packed tensors at all
        refused(run, tmp.resolve("noState"), dir -> edit(dir.resolve(HfCheckpoint.WEIGHTS_FILE), t -> {
            List<String> packed = t.keySet().stream().filter(n -> n.contains(".quant_state.")).map(n -> n.substring(0, n.indexOf(".quant_state."))).toList();
            t.keySet().removeIf(n -> packed.stream().anyMatch(w -> n.equals(w) || n.startsWith(w + ".")));
        }), cfg -> {}, "holds no LoQT state");
        refused(run, tmp.resolve("nq"), dir -> {}, cfg -> cfg.put("kind", "LOQT_NQ"), "this loqt-nq run keeps W in float32");
        refused(run, tmp.resolve("floatP"), dir -> {}, cfg -> cfg.put("quantizeProjection", false), "this run keeps P in float32");
        refused(run, tmp.resolve("rank"), dir -> {}, cfg -> cfg.put("rank", 2), "the checkpoint holds NF4 [4, 32], the model expects [2, 32]");
        refused(run, tmp.resolve("full"), dir -> {}, cfg -> cfg.put("kind", "FULL"), "no layer of this model keeps it");
    }

    // ---------------------------------------------------------------- runs

    private static Outcome straight(Path run, PretrainMethod m) {
        PretrainJob.Prepared p = PretrainJob.prepare(new PretrainJob.Options(SHAPE, train(), m, null, run, false));
        return outcome(p, p.trainer().run(false), run);
    }

    /** A run folder holding what the straight run had after step k (its config, metrics, checkpoint k), changed by {@code tamper}, resumed. */
    private static Outcome resume(Path straightRun, int k, Path run, Consumer<Path> tamper) {
        PretrainJob.Prepared p = prepareResume(straightRun, k, run, tamper, cfg -> {});
        return outcome(p, p.trainer().run(true), run);
    }

    private static PretrainJob.Prepared prepareResume(Path straightRun, int k, Path run, Consumer<Path> tamper, Consumer<ObjectNode> method) {
        try {
            Path ck = run.resolve(Checkpoints.DIR).resolve(checkpoint(straightRun, k).getFileName());
            Files.createDirectories(ck);
            try (var files = Files.list(checkpoint(straightRun, k))) {
                for (Path f : files.toList()) Files.copy(f, ck.resolve(f.getFileName()));
            }
            tamper.accept(ck);
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(straightRun.resolve("run_config.json").toFile());
            method.accept((ObjectNode) config.get("method"));
            Files.writeString(run.resolve("run_config.json"), Json.MAPPER.writeValueAsString(config));
            Files.copy(straightRun.resolve(Trainer.METRICS_FILE), run.resolve(Trainer.METRICS_FILE));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return PretrainJob.prepare(new PretrainJob.Options(SHAPE, train(), method(PretrainMethod.Kind.LOQT, true), null, run, true, false));
    }

    private static void refused(Path straightRun, Path run, Consumer<Path> tamper, Consumer<ObjectNode> method, String expected) {
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> prepareResume(straightRun, 4, run, tamper, method).trainer().run(true));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private static Path checkpoint(Path run, int step) {
        return run.resolve(Checkpoints.DIR).resolve(String.format("step-%07d", step));
    }

    // ---------------------------------------------------------------- comparing

    private static Outcome outcome(PretrainJob.Prepared p, TrainSummary s, Path run) {
        assertEquals(TOTAL, s.steps());
        Map<String, float[]> floats = new LinkedHashMap<>(), dequantized = new LinkedHashMap<>(), optimizer = new LinkedHashMap<>();
        Map<String, byte[]> codes = new LinkedHashMap<>();
        p.model().stateDict().forEach((k, v) -> floats.put(k, v.data.clone()));
        p.model().packedState().forEach((k, v) -> {
            codes.put(k, v.codes().clone());
            dequantized.put(k, v.dequantize());
        });
        p.optimizer().state().forEach((k, v) -> optimizer.put(k, v.data.clone()));
        List<JsonNode> metrics = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(run.resolve(Trainer.METRICS_FILE))) {
                ObjectNode rec = (ObjectNode) Json.MAPPER.readTree(line);
                rec.remove(List.of("step_seconds", "tokens_per_second")); // wall time, the only thing allowed to differ
                metrics.add(rec);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return new Outcome(floats, codes, dequantized, optimizer, metrics, s.metric("val_loss"));
    }

    private static void assertSameRun(Outcome a, Outcome b, String label) {
        assertEquals(a.floats().keySet(), b.floats().keySet(), label);
        a.floats().forEach((k, v) -> assertArrayEquals(v, b.floats().get(k), 0f, label + ": " + k));
        assertEquals(a.codes().keySet(), b.codes().keySet(), label);
        a.codes().forEach((k, v) -> assertArrayEquals(v, b.codes().get(k), label + ": codes of " + k));
        a.dequantized().forEach((k, v) -> assertArrayEquals(v, b.dequantized().get(k), 0f, label + ": scales of " + k));
        assertEquals(a.optimizer().keySet(), b.optimizer().keySet(), label);
        a.optimizer().forEach((k, v) -> assertArrayEquals(v, b.optimizer().get(k), 0f, label + ": " + k));
        assertEquals(a.metrics(), b.metrics(), label + ": metrics.jsonl");
        assertEquals(a.valLoss(), b.valLoss(), 0.0, label);
    }

    private static boolean sameWeights(Outcome a, Outcome b) {
        return a.floats().keySet().stream().allMatch(k -> Arrays.equals(a.floats().get(k), b.floats().get(k)))
                && a.codes().keySet().stream().allMatch(k -> Arrays.equals(a.codes().get(k), b.codes().get(k)));
    }

    // ---------------------------------------------------------------- tampering with a checkpoint file

    private record Bytes(byte[] data, int[] shape) {}

    /** Rewrites a safetensors file (metadata kept) after {@code change} edits its tensors: a {@link Tensor} or {@link Bytes} by name. */
    private static void edit(Path file, Consumer<Map<String, Object>> change) {
        Map<String, Object> tensors = new LinkedHashMap<>();
        Map<String, String> metadata;
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            metadata = f.metadata();
            for (String n : f.names()) {
                tensors.put(n, f.entry(n).dtype() == SafeTensorsDtype.U8 ? new Bytes(f.readBytes(n), f.entry(n).shape()) : f.readFloat(n));
            }
        }
        change.accept(tensors);
        SafeTensorsWriter w = new SafeTensorsWriter();
        metadata.forEach(w::metadata);
        tensors.forEach((n, t) -> {
            if (t instanceof Bytes b) w.putBytes(n, b.data(), b.shape());
            else w.putFloat(n, (Tensor) t);
        });
        w.write(file);
    }
}
