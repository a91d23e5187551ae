package dev.lowrank4j.spark;

import dev.lowrank4j.Lowrank4jException;
import org.apache.spark.SparkConf;

/**
 * Settings a barrier stage of replicas cannot live with, refused before anything starts: a
 * speculative copy of a replica would join the ring twice, and Spark rejects barrier stages under
 * dynamic allocation with a message that does not say what to change.
 */
public final class SparkChecks {
    private SparkChecks() {}

    /**
     * Plain GaLore averages R = PᵀG, not G, so no replica knows the norm of the averaged full
     * gradient that global-norm clipping needs (each would clip by its own, and the replicas would
     * drift apart).
     */
    public static void requireClippable(dev.lowrank4j.tasks.PretrainMethod method, dev.lowrank4j.train.TrainConfig train) {
        if (method.kind() == dev.lowrank4j.tasks.PretrainMethod.Kind.GALORE && train.clip() > 0) {
            throw new Lowrank4jException("--method galore with --spark exchanges only the projected gradient, so the norm of "
                    + "the averaged gradient that --clip needs is unknown; pass --clip 0 (or use --method fira, which "
                    + "exchanges full gradients)");
        }
    }

    public static void validate(SparkConf conf, int workers, int slots) {
        if (workers < 1) throw new Lowrank4jException("--workers must be >= 1, got " + workers);
        if (conf.getBoolean("spark.speculation", false)) {
            throw new Lowrank4jException("spark.speculation is on: a speculative copy of a replica would break the ring; "
                    + "set spark.speculation=false");
        }
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new Lowrank4jException("spark.dynamicAllocation.enabled is on, and barrier stages cannot run under dynamic "
                    + "allocation; set it to false and give a fixed number of executors (for example --num-executors "
                    + workers + ")");
        }
        if (slots > 0 && workers > slots) {
            throw new Lowrank4jException("--workers " + workers + " needs " + workers + " task slots at once (a barrier stage "
                    + "starts all its tasks together) but the cluster has " + slots + "; lower --workers or add executors");
        }
    }
}
