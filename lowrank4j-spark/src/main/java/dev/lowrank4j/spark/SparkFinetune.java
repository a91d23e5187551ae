package dev.lowrank4j.spark;

import dev.lowrank4j.tasks.CausalFinetuneJob;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Data-parallel causal-LM fine-tuning on Spark ({@link SparkReplicas} running a
 * {@link CausalFinetuneReplicaJob}): the leader writes checkpoints, {@code adapter/} and
 * {@code model/} exactly as a one-process {@code finetune} run does; the others write nothing.
 */
public final class SparkFinetune {
    private SparkFinetune() {}

    public static SparkReplicas.Result run(JavaSparkContext sc, CausalFinetuneJob.Options o, int workers) {
        return SparkReplicas.run(sc, CausalFinetuneReplicaJob.of(o), workers);
    }
}
