package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.ByteTokenizer;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tasks.CausalLm;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.TokenData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.lowrank4j.optim.AdamW;

/** A run interrupted after a checkpoint and resumed must end bit for bit where an uninterrupted run ends. */
class TrainerResumeTest {
    private static final ModelShape SHAPE = new ModelShape(256, 24, 2, 2, 1, 40, 16);
    private static final TrainConfig CFG = new TrainConfig(6, 3, 16, 2, 3e-3, 0.1, 2, 0.1, 0.9, 0.95, 1e-8, 1.0,
            2, 2, 3, 2, 1, 7);

    private static final class Crash extends RuntimeException {}

    private static TokenDataset data() {
        byte[] text = Arrays.copyOf(Corpus.embedded(), 20_000);
        return new TokenDataset(ByteTokenizer.encode(text), 0.1, CFG.seq());
    }

    private static LlamaModel model() {
        return new LlamaModel(SHAPE.toConfig(), CFG.seed());
    }

    private static Trainer<TokenDataset.Batch> trainer(LlamaModel m, Path dir) {
        return trainer(m, dir, CFG, new AdamW(m.parameters(), new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1)));
    }

    private static Trainer<TokenDataset.Batch> trainer(LlamaModel m, Path dir, TrainConfig cfg, AdamW opt) {
        return new Trainer<>(new CausalLm(m), new TokenData(data(), cfg.batch(), cfg.seq(), cfg.evalBatches()), cfg, dir, opt);
    }

    @Test
    void resumeContinuesTheSameTrajectory(@TempDir Path tmp) throws Exception {
        LlamaModel straight = model();
        TrainSummary a = trainer(straight, tmp.resolve("a")).run(false);

        LlamaModel first = model();
        Trainer<TokenDataset.Batch> crashing = trainer(first, tmp.resolve("b")).listener(new TrainListener() {
            @Override
            public void onStep(StepStats s) {
                if (s.step() == 5) throw new Crash(); // dies mid-way after the step-3 checkpoint
            }
        });
        assertThrows(Crash.class, () -> crashing.run(false));
        assertTrue(Files.isDirectory(tmp.resolve("b/checkpoints/step-0000003")));

        // what a crash in the middle of writing the next checkpoint leaves behind
        Files.createDirectories(tmp.resolve("b/checkpoints/.step-0000006.tmp"));
        Files.createDirectories(tmp.resolve("b/checkpoints/step-0000004"));
        LlamaModel resumed = model();
        TrainSummary b = trainer(resumed, tmp.resolve("b")).run(true);

        assertEquals(a.steps(), b.steps());
        List<Parameter> pa = straight.parameters(), pb = resumed.parameters();
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(pa.get(i).data(), pb.get(i).data(), 0f, pa.get(i).name() + " differs after resume");
        }
        assertEquals(a.metric(CausalLm.VAL_LOSS), b.metric(CausalLm.VAL_LOSS), 0.0);
        List<String> la = Files.readAllLines(tmp.resolve("a/metrics.jsonl"));
        List<String> lb = Files.readAllLines(tmp.resolve("b/metrics.jsonl"));
        assertEquals(la.size(), lb.size(), "metrics hold each step once after resume");
        assertTrue(Files.exists(tmp.resolve("b/summary.json")));
        assertFalse(Files.exists(tmp.resolve("b/checkpoints/step-0000002")));
        assertFalse(Files.exists(tmp.resolve("b/checkpoints/.step-0000006.tmp")), "torn checkpoint removed");
    }

    @Test
    void twoIdenticalRunsAgreeBitForBit(@TempDir Path tmp) {
        LlamaModel x = model(), y = model();
        trainer(x, tmp.resolve("x")).run(false);
        trainer(y, tmp.resolve("y")).run(false);
        for (int i = 0; i < x.parameters().size(); i++)
            assertArrayEquals(x.parameters().get(i).data(), y.parameters().get(i).data(), 0f, "straight twice " + x.parameters().get(i).name());
    }

    @Test
    void resumeWithoutCheckpointIsAClearError(@TempDir Path tmp) {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> trainer(model(), tmp).run(true));
        assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
    }

    @Test
    void nanLossStopsAndNamesTheStep(@TempDir Path tmp) {
        LlamaModel m = model();
        TrainConfig hot = new TrainConfig(4, 2, 16, 1, 1e30, 0.1, 0, 0, 0.9, 0.95, 1e-8, 0, 1, 1, 100, 1, 1, 7);
        Trainer<TokenDataset.Batch> t = trainer(m, tmp, hot, new AdamW(m.parameters(), AdamW.Hyper.defaults()));
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> t.run(false));
        assertTrue(e.getMessage().matches(".*(loss|gradient norm) became .* at step \\d+.*"), e.getMessage());
    }
}
