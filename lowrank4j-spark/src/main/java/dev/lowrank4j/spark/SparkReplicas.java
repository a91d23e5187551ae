package dev.lowrank4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.util.Json;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag$;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Data-parallel training of any {@link ReplicaJob} on Spark: one barrier stage of {@code workers}
 * tasks, each a full replica (same settings and seed, or the same checkpoint), rank = partition
 * id, gradients averaged over a socket ring. The leader (rank 0) writes the run folder exactly as
 * a one-process run does. A failed task fails the stage; run again resuming to continue from the
 * last checkpoint.
 */
public final class SparkReplicas {
    private SparkReplicas() {}

    /** Every replica's outcome, by rank; {@link #identical()} says whether they ended bit-identical. */
    public record Result(List<ReplicaRun.Outcome> replicas) {
        public boolean identical() {
            return replicas.stream().map(ReplicaRun.Outcome::fingerprint).distinct().count() == 1;
        }
    }

    /** Base port of the ring (rank r listens on base + r; 0 = any free port) and how long a rank waits for a peer. */
    public static final String RING_PORT = "spark.lowrank4j.ring.port", RING_TIMEOUT = "spark.lowrank4j.ring.timeoutSeconds";

    /** {@code job} on {@code workers} replicas, with the ring settings of {@code sc}'s configuration. */
    public static Result run(JavaSparkContext sc, ReplicaJob job, int workers) {
        return run(sc, ReplicaSpec.of(job, workers, isLocal(sc.master()))
                .withRing(sc.getConf().getInt(RING_PORT, 0), sc.getConf().getLong(RING_TIMEOUT, 600)));
    }

    public static Result run(JavaSparkContext sc, ReplicaSpec spec) {
        SparkChecks.validate(sc.getConf(), spec.workers(), isLocal(sc.master()) ? sc.defaultParallelism() : 0);
        ReplicaJob job = spec.job();
        if (spec.resume() && !Files.isRegularFile(job.out().resolve("run_config.json"))) {
            throw new Lowrank4jException(job.out() + ": not a run folder to resume (no run_config.json)");
        }
        if (!spec.resume() && Checkpoints.latest(job.out()).isPresent()) {
            throw new Lowrank4jException(job.out() + " already holds a run; add --resume to continue it or choose another --out");
        }
        job.checkBeforeStart();
        JavaRDD<Integer> ranks = sc.parallelize(IntStream.range(0, spec.workers()).boxed().toList(), spec.workers());
        RDD<String> out = ranks.rdd().barrier().mapPartitions(new ReplicaTask(spec), false, ClassTag$.MODULE$.apply(String.class));
        List<ReplicaRun.Outcome> outcomes = new ArrayList<>();
        for (String json : out.toJavaRDD().collect()) {
            try {
                outcomes.add(Json.MAPPER.readValue(json, ReplicaRun.Outcome.class));
            } catch (JsonProcessingException e) {
                throw new Lowrank4jException("unreadable replica outcome: " + json);
            }
        }
        outcomes.sort(Comparator.comparingInt(ReplicaRun.Outcome::rank));
        Result r = new Result(outcomes);
        if (!r.identical()) {
            throw new Lowrank4jException("the replicas ended with different weights (" + outcomes
                    + "); the run folder holds rank 0's");
        }
        return r;
    }

    static boolean isLocal(String master) {
        return master.startsWith("local");
    }
}
