package dev.lowrank4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.util.Json;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the data-parallel tests share: one {@code local[2]} SparkContext for every test class in
 * the JVM (starting one costs seconds; Spark's shutdown hook stops it), the tiny model, and the
 * readings of a run folder they compare.
 */
final class SparkTestRuns {
    /** The tiny LLaMA every test trains: vocab 256, dim 16, 1 layer. */
    static final ModelShape SHAPE = new ModelShape(256, 16, 1, 2, 2, 24, 16);

    private static JavaSparkContext sc;

    private SparkTestRuns() {}

    static synchronized JavaSparkContext context() {
        if (sc == null) sc = new JavaSparkContext(SparkRuntime.conf("local[2]", "lowrank4j-test"));
        return sc;
    }

    static Map<String, Tensor> finalWeights(Path run) {
        return Checkpoints.load(Checkpoints.latest(run).orElseThrow()).model();
    }

    /** The metrics lines of training steps (those that carry exchange fields). */
    static List<JsonNode> stepLines(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode j = Json.MAPPER.readTree(line);
            if (j.has(RingExchange.BYTES_SENT)) out.add(j);
        }
        return out;
    }

    static long trainable(Path run) throws IOException {
        return Json.MAPPER.readTree(run.resolve("summary.json").toFile()).get("trainable_parameters").asLong();
    }

    /** max |a − b| over every weight. */
    static double maxDifference(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        double max = 0;
        for (String k : a.keySet()) {
            float[] x = a.get(k).data, y = b.get(k).data;
            for (int i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }

    /**
     * Every step line of a 2-worker run against the values expected per step (the last repeats):
     * the values averaged, and the bytes rank 0 sent, 2·(N−1)/N·4 = 4 per value for N = 2.
     */
    static void assertExchangePerStep(String name, List<JsonNode> lines, List<Long> expectedValues) {
        for (int i = 0; i < lines.size(); i++) {
            JsonNode j = lines.get(i);
            long values = expectedValues.get(Math.min(i, expectedValues.size() - 1));
            assertEquals(values, j.get(RingExchange.VALUES).asLong(), name + " step " + (i + 1));
            assertEquals(4 * values, j.get(RingExchange.BYTES_SENT).asLong(), name + " step " + (i + 1));
            assertEquals(4.0 * values, j.get(RingExchange.BYTES_FORMULA).asDouble(), 0.0);
        }
    }
}
