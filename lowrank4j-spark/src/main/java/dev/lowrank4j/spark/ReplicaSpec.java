package dev.lowrank4j.spark;

import dev.lowrank4j.tasks.CausalFinetuneJob;
import dev.lowrank4j.tasks.PretrainJob;

import java.io.Serializable;

/**
 * A data-parallel run as it travels to the executors: the job each replica runs (its settings and
 * run folder, on a file system every executor sees) and the ring's settings.
 * {@code failRank}/{@code failAfterStep} make one task fail on purpose (fault tests).
 */
public record ReplicaSpec(ReplicaJob job, int workers, boolean loopback, int ringPort, int bucket,
                          long ringTimeoutSeconds, int failRank, long failAfterStep) implements Serializable {

    public static ReplicaSpec of(ReplicaJob job, int workers, boolean loopback) {
        return new ReplicaSpec(job, workers, loopback, 0, RingAllReduce.DEFAULT_BUCKET, 600, -1, -1);
    }

    public static ReplicaSpec of(PretrainJob.Options o, int workers, boolean loopback) {
        return of(PretrainReplicaJob.of(o), workers, loopback);
    }

    public static ReplicaSpec of(CausalFinetuneJob.Options o, int workers, boolean loopback) {
        return of(CausalFinetuneReplicaJob.of(o), workers, loopback);
    }

    public ReplicaSpec withFailure(int rank, long afterStep) {
        return new ReplicaSpec(job, workers, loopback, ringPort, bucket, ringTimeoutSeconds, rank, afterStep);
    }

    public ReplicaSpec resuming() {
        return new ReplicaSpec(job.resuming(), workers, loopback, ringPort, bucket, ringTimeoutSeconds, -1, -1);
    }

    public ReplicaSpec withRing(int port, long timeoutSeconds) {
        return new ReplicaSpec(job, workers, loopback, port, bucket, timeoutSeconds, failRank, failAfterStep);
    }

    public boolean resume() {
        return job.resume();
    }
}
