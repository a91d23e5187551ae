package dev.lowrank4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tasks.CausalFinetuneJob;
import dev.lowrank4j.tasks.FinetuneMethod;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.util.Json;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static dev.lowrank4j.spark.SparkTestRuns.SHAPE;
import static dev.lowrank4j.spark.SparkTestRuns.finalWeights;
import static dev.lowrank4j.spark.SparkTestRuns.maxDifference;
import static dev.lowrank4j.spark.SparkTestRuns.stepLines;
import static dev.lowrank4j.spark.SparkTestRuns.trainable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code finetune --spark} of the tiny LLaMA as a causal LM, two replicas in {@code local[2]}: for
 * each method the replicas end bit-identical, match one process at twice the batch, exchange
 * exactly the trainable parameters' gradients (plus the loss), and the leader's run folder holds
 * what a one-process run writes.
 */
class SparkFinetuneTest {
    private static final int BATCH = 2, STEPS = 4, RANK = 2;
    private static final List<Parameter> BASE = new LlamaModel(SHAPE.toConfig(), 1).parameters();
    private static final long ALL = BASE.stream().mapToLong(Parameter::numel).sum();
    /** The adapted matrices: every attention and MLP projection (the LLaMA default). */
    private static final List<Parameter> LINEARS = BASE.stream()
            .filter(p -> p.name().contains(".self_attn.") || p.name().contains(".mlp.")).toList();
    private static JavaSparkContext sc;
    @TempDir
    static Path tmp;
    private static Path base, text;

    @BeforeAll
    static void start() throws IOException {
        text = Files.write(tmp.resolve("text.txt"), Arrays.copyOf(Corpus.embedded(), 12_000));
        base = tmp.resolve("base");
        LlamaModel m = new LlamaModel(SHAPE.toConfig(), 11); // a random base model: fine-tuning does not care
        HfCheckpoint.save(base, m.config(), m.stateDict());
        sc = SparkTestRuns.context();
    }

    private static TrainConfig train(int steps, int batch) {
        return TrainConfig.builder().steps(steps).batch(batch).seq(16).lr(3e-3).warmup(1).betas(0.9, 0.95).evalEvery(steps)
                .evalBatches(1).checkpointEvery(2).logEvery(1).seed(3).build();
    }

    private static CausalFinetuneJob.Options options(String name, FinetuneMethod m, TrainConfig t) {
        return new CausalFinetuneJob.Options(base, text, m, t, tmp.resolve(name), false);
    }

    private static FinetuneMethod method(FinetuneMethod.Kind k) {
        return new FinetuneMethod(k, RANK, 2 * RANK, 2, 0, PretrainMethod.LLAMA_LINEARS, 5); // PLoRA: a merge every 2 steps
    }

    private static Set<String> files(Path run) throws IOException {
        try (Stream<Path> s = Files.walk(run)) {
            return new TreeSet<>(s.filter(Files::isRegularFile).map(f -> run.relativize(f).toString()).toList());
        }
    }

    /** 2 workers at batch b vs 1 process at 2b; the exchange per step; the run folder's files. */
    private static void check(FinetuneMethod.Kind kind, long expectedTrainable) throws IOException {
        String name = kind.name().toLowerCase();
        FinetuneMethod m = method(kind);
        SparkReplicas.Result r = SparkFinetune.run(sc, options(name + "-2w", m, train(STEPS, BATCH)), 2);
        assertEquals(2, r.replicas().size());
        assertTrue(r.identical(), name + ": replicas must be bit-identical after " + STEPS + " steps: " + r.replicas());
        CausalFinetuneJob.run(options(name + "-1p", m, train(STEPS, 2 * BATCH)), TrainListener.NONE);
        Path two = tmp.resolve(name + "-2w"), one = tmp.resolve(name + "-1p");
        double diff = maxDifference(finalWeights(two), finalWeights(one));
        System.out.printf("finetune %s: max |w(2 workers, batch %d) - w(1 process, batch %d)| = %.3g after %d steps%n", name,
                BATCH, 2 * BATCH, diff, STEPS);
        assertTrue(diff < 1e-6, name + ": 2 workers at batch b vs 1 process at 2b differ by " + diff);
        // and the comparison is not vacuous: the weights moved between the checkpoints at steps 2 and 4
        Map<String, Tensor> atStep2 = Checkpoints.load(two.resolve(Checkpoints.DIR).resolve("step-0000002")).model();
        assertTrue(maxDifference(atStep2, finalWeights(two)) > 1e-5, name + ": training did not move the weights");

        assertEquals(expectedTrainable, trainable(two), name + ": trainable parameters");
        List<JsonNode> lines = stepLines(two);
        assertEquals(STEPS, lines.size());
        // only what trains is exchanged, plus the loss as a float pair
        SparkTestRuns.assertExchangePerStep(name, lines, List.of(expectedTrainable + ExchangeFormula.LOSS_VALUES));

        // the leader writes what a one-process run writes (metrics lines carry the exchange fields besides)
        assertEquals(files(one), files(two), name + ": run folder contents");
        JsonNode summary = Json.MAPPER.readTree(two.resolve("summary.json").toFile());
        assertTrue(summary.has("test_loss") && summary.get("model").asText().endsWith("model"), summary.toString());
    }

    /** LoRA's factors A (r×in) and B (out×r) on every projection. */
    private static long loraFactors() {
        return LINEARS.stream().mapToLong(p -> (long) RANK * (p.value().dim(0) + p.value().dim(1))).sum();
    }

    @Test
    void fullFineTuningExchangesEveryGradient() throws IOException {
        check(FinetuneMethod.Kind.FULL, ALL);
    }

    @Test
    void loraExchangesOnlyItsFactors() throws IOException {
        check(FinetuneMethod.Kind.LORA, loraFactors());
    }

    @Test
    void periodicLoraMergesIdenticallyOnEveryReplica() throws IOException {
        check(FinetuneMethod.Kind.PLORA, loraFactors());
        assertTrue(Files.isRegularFile(tmp.resolve("plora-2w").resolve(dev.lowrank4j.tasks.PloraRankLog.FILE)));
    }

    @Test
    void lolduExchangesOnlyItsDiagonal() throws IOException {
        check(FinetuneMethod.Kind.LOLDU, (long) RANK * LINEARS.size()); // z: r values per adapted matrix
    }

    @Test
    void aKilledTaskResumesOntoTheSameTrajectoryAndARunIsNotOverwritten() {
        FinetuneMethod m = method(FinetuneMethod.Kind.LORA);
        SparkFinetune.run(sc, options("straight", m, train(5, BATCH)), 2);
        ReplicaSpec crashing = ReplicaSpec.of(options("crashed", m, train(5, BATCH)), 2, true).withFailure(1, 3);
        assertThrows(Exception.class, () -> SparkReplicas.run(sc, crashing));
        assertTrue(Checkpoints.latest(tmp.resolve("crashed")).isPresent(), "the checkpoint after step 2 must survive");
        assertTrue(assertThrows(Lowrank4jException.class, () -> SparkReplicas.run(sc, crashing)).getMessage().contains("--resume"));
        SparkReplicas.run(sc, crashing.resuming());
        assertEquals(0.0, maxDifference(finalWeights(tmp.resolve("straight")), finalWeights(tmp.resolve("crashed"))),
                "resumed run must follow the uninterrupted one bit for bit");
        ReplicaSpec nothing = ReplicaSpec.of(options("never-ran", m, train(5, BATCH)), 2, true).resuming();
        assertTrue(assertThrows(Lowrank4jException.class, () -> SparkReplicas.run(sc, nothing)).getMessage().contains("not a run folder"));
        // refused on the driver, before any replica starts: other settings on resume, a missing text
        TrainConfig otherLr = TrainConfig.builder().steps(5).batch(BATCH).seq(16).lr(1e-3).warmup(1).betas(0.9, 0.95).evalEvery(5)
                .evalBatches(1).checkpointEvery(2).logEvery(1).seed(3).build();
        ReplicaSpec changed = ReplicaSpec.of(options("crashed", m, otherLr), 2, true).resuming();
        assertTrue(assertThrows(Lowrank4jException.class, () -> SparkReplicas.run(sc, changed)).getMessage().contains("train"));
        CausalFinetuneJob.Options noText = new CausalFinetuneJob.Options(base, tmp.resolve("missing.txt"), m, train(5, BATCH),
                tmp.resolve("no-text"), false);
        assertTrue(assertThrows(Lowrank4jException.class, () -> SparkFinetune.run(sc, noText, 2)).getMessage().contains("not found"));
    }
}
