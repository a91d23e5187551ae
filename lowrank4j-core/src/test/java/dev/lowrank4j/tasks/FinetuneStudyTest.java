package dev.lowrank4j.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FinetuneStudyTest {
    @TempDir
    Path tmp;

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** A fake run: val_loss is smallest at lr 1e-3; test_accuracy would prefer 1e-2 (it must not be used). */
    private static FinetuneStudy.Runner fake(List<String> calls) {
        return (lr, seed, dir) -> {
            calls.add(lr + "@" + seed);
            double val = Math.abs(Math.log10(lr) + 3) + 0.1 * seed;
            double test = lr == 1e-2 ? 0.99 : 0.90 + 0.01 * seed;
            Json.writeAtomically(dir.resolve(Trainer.SUMMARY_FILE), Map.of("val_loss", val, "test_accuracy", test, "test_loss", 1 - test,
                    "memory_bytes", Map.of("weights", 100 * seed)));
        };
    }

    @Test
    void choosesOnValidationOfTheFirstSeedThenRunsEverySeedAndAggregates() throws Exception {
        List<String> calls = new ArrayList<>();
        FinetuneStudy.Plan plan = new FinetuneStudy.Plan(List.of(1e-4, 1e-3, 1e-2), List.of(1L, 2L, 3L));
        Map<String, Object> study = FinetuneStudy.run(plan, tmp, fake(calls), QUIET);
        assertEquals(List.of("1.0E-4@1", "0.001@1", "0.01@1", "0.001@2", "0.001@3"), calls, "the chosen sweep run is seed 1's run");
        assertEquals(1e-3, ((Map<?, ?>) study.get("chosen")).get("lr"));
        JsonNode json = Json.readObjectFile(tmp.resolve(FinetuneStudy.STUDY_FILE));
        assertEquals(0.92, json.get("mean").get("test_accuracy").asDouble(), 1e-12);
        assertEquals(0.01, json.get("std").get("test_accuracy").asDouble(), 1e-12, "sample std of 0.91, 0.92, 0.93");
        assertEquals(200, json.get("mean").get("memory_bytes.weights").asDouble(), 1e-9);
        assertTrue(tmp.resolve("sweep/lr-0.001").resolve(Trainer.SUMMARY_FILE).toFile().isFile());
        assertTrue(tmp.resolve("seed-3").resolve(Trainer.SUMMARY_FILE).toFile().isFile());

        calls.clear();
        FinetuneStudy.run(plan, tmp, fake(calls), QUIET);
        assertEquals(List.of(), calls, "finished runs are read back, not retrained");

        // a run that stopped after the trainer's summary but before the test evaluation is run again
        Json.writeAtomically(tmp.resolve("seed-2").resolve(Trainer.SUMMARY_FILE), Map.of("val_loss", 0.3));
        FinetuneStudy.run(plan, tmp, fake(calls), QUIET);
        assertEquals(List.of("0.001@2"), calls);
    }

    @Test
    void aSeedRunTrainedAtAnotherRateIsNotAveragedIn() {
        // the runner records its rate where the causal-LM fine-tune does (run_config.json, train.lr)
        FinetuneStudy.Runner withConfig = (lr, seed, dir) -> {
            Json.writeAtomically(dir.resolve(RunFolder.CONFIG_FILE), Map.of("train", Map.of("lr", lr)));
            Json.writeAtomically(dir.resolve(Trainer.SUMMARY_FILE), Map.of("val_loss", -lr, "test_loss", 1.0));
        };
        FinetuneStudy.run(new FinetuneStudy.Plan(List.of(1e-4, 1e-3), List.of(1L, 2L)), tmp, withConfig, QUIET);
        // a wider sweep now prefers 1e-2, but seed-2 holds a finished run at 1e-3
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> FinetuneStudy.run(
                new FinetuneStudy.Plan(List.of(1e-4, 1e-3, 1e-2), List.of(1L, 2L)), tmp, withConfig, QUIET));
        assertTrue(e.getMessage().contains("finished with lr 0.001 but the study now chooses lr 0.01"), e.getMessage());
    }

    @Test
    void badPlansAreRefused() {
        assertEquals(List.of(5e-4, 1e-3), FinetuneStudy.parseSweep("lr=5e-4, 1e-3"));
        assertThrows(Lowrank4jException.class, () -> FinetuneStudy.parseSweep("rank=4,8"));
        assertThrows(Lowrank4jException.class, () -> FinetuneStudy.parseSweep("lr=1e-3,x"));
        assertThrows(Lowrank4jException.class, () -> new FinetuneStudy.Plan(List.of(1e-3), List.of(1L, 1L)));
        assertThrows(Lowrank4jException.class, () -> new FinetuneStudy.Plan(List.of(-1.0), List.of(1L)));
    }
}
