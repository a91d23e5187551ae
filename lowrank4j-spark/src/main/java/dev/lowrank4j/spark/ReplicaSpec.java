package dev.lowrank4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.PretrainJob;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.util.Json;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A pretraining run as it travels to the executors: the settings as JSON (the records that
 * run_config.json holds), the run folder (on a file system every executor sees) and the ring's
 * settings. {@code failRank}/{@code failAfterStep} make one task fail on purpose (fault tests).
 */
public record ReplicaSpec(String shape, String train, String method, String corpus, String out, boolean resume,
                          boolean stepsGiven, int workers, boolean loopback, int ringPort, int bucket,
                          long ringTimeoutSeconds, int failRank, long failAfterStep) implements Serializable {

    public static ReplicaSpec of(PretrainJob.Options o, int workers, boolean loopback) {
        try {
            return new ReplicaSpec(Json.MAPPER.writeValueAsString(o.shape()), Json.MAPPER.writeValueAsString(o.train()),
                    Json.MAPPER.writeValueAsString(o.method()), o.corpus() == null ? null : o.corpus().toAbsolutePath().toString(),
                    o.out().toAbsolutePath().toString(), o.resume(), o.stepsGiven(), workers, loopback, 0,
                    RingAllReduce.DEFAULT_BUCKET, 600, -1, -1);
        } catch (JsonProcessingException e) {
            throw new Lowrank4jException("cannot encode the run settings (" + e.getMessage() + ")");
        }
    }

    public ReplicaSpec withFailure(int rank, long afterStep) {
        return new ReplicaSpec(shape, train, method, corpus, out, resume, stepsGiven, workers, loopback, ringPort, bucket,
                ringTimeoutSeconds, rank, afterStep);
    }

    public ReplicaSpec resuming() {
        return new ReplicaSpec(shape, train, method, corpus, out, true, false, workers, loopback, ringPort, bucket,
                ringTimeoutSeconds, -1, -1);
    }

    public ReplicaSpec withRing(int port, long timeoutSeconds) {
        return new ReplicaSpec(shape, train, method, corpus, out, resume, stepsGiven, workers, loopback, port, bucket,
                timeoutSeconds, failRank, failAfterStep);
    }

    public PretrainJob.Options options() {
        try {
            return new PretrainJob.Options(Json.MAPPER.readValue(shape, ModelShape.class), Json.MAPPER.readValue(train, TrainConfig.class),
                    Json.MAPPER.readValue(method, PretrainMethod.class), corpus == null ? null : Path.of(corpus), Path.of(out),
                    resume, stepsGiven);
        } catch (JsonProcessingException e) {
            throw new Lowrank4jException("cannot decode the run settings (" + e.getMessage() + ")");
        }
    }
}
