package dev.lowrank4j.spark;

import dev.lowrank4j.tasks.PretrainJob;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Data-parallel pretraining on Spark ({@link SparkReplicas} running a {@link PretrainReplicaJob}):
 * the leader's run folder is what a one-process run writes, so {@code --resume}, {@code forward}
 * and {@code finetune} read it unchanged.
 */
public final class SparkPretrain {
    private SparkPretrain() {}

    public static SparkReplicas.Result run(JavaSparkContext sc, PretrainJob.Options o, int workers) {
        return SparkReplicas.run(sc, PretrainReplicaJob.of(o), workers);
    }
}
