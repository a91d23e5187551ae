package dev.lowrank4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.util.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.lowrank4j.cli.CliRun.assertOneLineError;
import static dev.lowrank4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `bench step` as the performance issue names it: paper presets, and the GEMM rate and ledger beside the time. */
class BenchCommandTest {
    @Test
    void presetStepReportsGemmRateAndLedgerOfTheSameRun() {
        CliRun r = run("bench", "step", "--preset", "9m", "--seq", "16", "--batch", "1", "--steps", "1", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.parseObject(r.out().strip().getBytes(java.nio.charset.StandardCharsets.UTF_8), "bench step --json");
        // the 9m configuration of the papers, with the flags' seq and batch
        assertEquals(32000, j.get("vocab").asInt());
        assertEquals(128, j.get("dim").asInt());
        assertEquals(4, j.get("layers").asInt());
        assertEquals(352, j.get("hidden").asInt());
        assertEquals(16, j.get("seq").asInt());
        assertTrue(j.get("gemm_gflops").asDouble() > 0, r.out());
        // value, gradient and two Adam moments of every parameter, plus activations
        long params = j.get("parameters").asLong();
        assertTrue(j.get("ledger_bytes").asLong() > 16 * params, r.out());
        assertEquals(j.get("effective_gflops").asDouble() / j.get("gemm_gflops").asDouble(),
                j.get("fraction_of_gemm").asDouble(), 1e-9);
        // the step broken into the model's parts and the optimizer; together they are the mean step
        JsonNode phases = j.get("phases_ms");
        double sum = 0;
        for (String part : new String[] {"embedding", "norms", "attention", "mlp", "residuals", "head_and_loss", "optimizer", "other"}) {
            assertTrue(phases.has(part) && phases.get(part).asDouble() >= 0, part + " in " + phases);
            sum += phases.get(part).asDouble();
        }
        assertTrue(phases.get("attention").asDouble() > 0 && phases.get("mlp").asDouble() > 0 && phases.get("optimizer").asDouble() > 0, phases.toString());
        assertEquals(j.get("mean_ms").asDouble(), sum, 1e-6 + 0.01 * sum, phases.toString());
    }

    @Test
    void presetMistakesAreOneLineErrors() {
        assertOneLineError(run("bench", "step", "--preset", "60x"), "unknown LLaMA config '60x'");
        assertOneLineError(run("bench", "step", "--preset", "60m", "--model", "lenet5"), "--preset");
        // a model whose weights, gradients and Adam states alone exceed the heap is refused before it is built
        assertOneLineError(run("bench", "step", "--preset", "7b"), "needs at least 100.41 GiB for weights, gradients and optimizer states");
    }

    @Test
    void gemmWithNf4WeightsMeasuresBothFormatsOnTheGivenShapes() {
        CliRun r = run("bench", "gemm", "--weights", "nf4", "--shapes", "8x256x512", "--rounds", "1", "--round-seconds", "0.05", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode results = Json.parseObject(r.out().getBytes(StandardCharsets.UTF_8), "bench gemm").get("results");
        assertEquals(2 * 2 * 2, results.size(), "fp32 and nf4, forward and input gradient, 1 and 2 threads");
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode o : results) {
            assertEquals(8, o.get("m").asInt());
            assertTrue(o.get("gflops").asDouble() > 0, o.toString());
            seen.add(o.get("weights").asText() + "/" + o.get("product").asText());
        }
        assertEquals(java.util.Set.of("fp32/forward", "fp32/input_grad", "nf4/forward", "nf4/input_grad"), seen);
        assertOneLineError(run("bench", "gemm", "--weights", "int3"), "--weights must be fp32 or nf4");
        assertOneLineError(run("bench", "gemm", "--shapes", "1x2x3"), "apply to --weights nf4");
        assertOneLineError(run("bench", "gemm", "--weights", "nf4", "--shapes", "1x0x3"), "positive sizes");
        assertOneLineError(run("bench", "gemm", "--weights", "nf4", "--shapes", "banana"), "positive sizes");
    }
}
