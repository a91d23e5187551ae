package dev.lowrank4j.spark;

import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Replica;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.train.TrainSummary;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a data-parallel replica runs, whatever the task (pretraining, fine-tuning): a job that
 * prepares a {@link Trainer} for replica i of N, and that the leader finishes (report, exported
 * model). It travels to the executors, so it holds its settings in serializable form.
 */
public interface ReplicaJob extends Serializable {
    /** The run folder the leader writes (on a file system every executor sees). */
    Path out();

    boolean resume();

    /** The same job, continuing from the leader's last checkpoint. */
    ReplicaJob resuming();

    /** Settings the replicas cannot run with, refused on the driver before any task starts. */
    default void checkBeforeStart() {}

    /** Builds replica {@code replica}; its trainer writes under {@code trainerDir}. */
    Prepared prepare(Replica replica, Path trainerDir);

    /** One replica, ready to train. */
    interface Prepared {
        Trainer<?> trainer();

        /** The optimizer, which a GaLore exchange hooks into. */
        Optimizer optimizer();

        /** Every weight (trainable or frozen) by name, for the fingerprint that proves the replicas identical. */
        Map<String, Tensor> weights();

        /** The leader's work after training: what a one-process run writes after its trainer finishes. */
        void finish(TrainSummary summary);

        /** A replica from its parts; the weights are read when asked for (after training, for the fingerprint). */
        static Prepared of(Trainer<?> trainer, Optimizer optimizer, Supplier<Map<String, Tensor>> weights,
                           Consumer<TrainSummary> finish) {
            return new Prepared() {
                @Override
                public Trainer<?> trainer() {
                    return trainer;
                }

                @Override
                public Optimizer optimizer() {
                    return optimizer;
                }

                @Override
                public Map<String, Tensor> weights() {
                    return weights.get();
                }

                @Override
                public void finish(TrainSummary summary) {
                    finish.accept(summary);
                }
            };
        }
    }
}
