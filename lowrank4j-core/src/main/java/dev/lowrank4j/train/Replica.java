package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;

/**
 * Which data-parallel replica a process is: replica {@code rank} of {@code count} trains on batch
 * {@code rank} of every step's {@code count} batches ({@link ReplicaShard}).
 */
public record Replica(int rank, int count) {
    public static final Replica SINGLE = new Replica(0, 1);

    public Replica {
        if (count < 1) throw new Lowrank4jException("the number of workers must be >= 1, got " + count);
        if (rank < 0 || rank >= count) throw new Lowrank4jException("replica rank " + rank + " is outside [0, " + count + ")");
    }

    /** Rank 0 owns the run folder: metrics, checkpoints and the summary. */
    public boolean leader() {
        return rank == 0;
    }
}
