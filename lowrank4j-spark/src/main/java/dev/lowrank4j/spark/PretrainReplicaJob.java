package dev.lowrank4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.PretrainJob;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.train.Replica;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;

/** {@code pretrain --spark}: the settings as JSON (the records run_config.json holds), rebuilt on each executor. */
public record PretrainReplicaJob(String shape, String train, String method, String corpus, String outDir, boolean resume,
                                 boolean stepsGiven) implements ReplicaJob {

    public static PretrainReplicaJob of(PretrainJob.Options o) {
        try {
            return new PretrainReplicaJob(Json.MAPPER.writeValueAsString(o.shape()), Json.MAPPER.writeValueAsString(o.train()),
                    Json.MAPPER.writeValueAsString(o.method()), o.corpus() == null ? null : o.corpus().toAbsolutePath().toString(),
                    o.out().toAbsolutePath().toString(), o.resume(), o.stepsGiven());
        } catch (JsonProcessingException e) {
            throw new Lowrank4jException("cannot encode the run settings (" + e.getMessage() + ")");
        }
    }

    public PretrainJob.Options options() {
        try {
            return new PretrainJob.Options(Json.MAPPER.readValue(shape, ModelShape.class), Json.MAPPER.readValue(train, TrainConfig.class),
                    Json.MAPPER.readValue(method, PretrainMethod.class), corpus == null ? null : Path.of(corpus), Path.of(outDir),
                    resume, stepsGiven);
        } catch (JsonProcessingException e) {
            throw new Lowrank4jException("cannot decode the run settings (" + e.getMessage() + ")");
        }
    }

    @Override
    public Path out() {
        return Path.of(outDir);
    }

    @Override
    public ReplicaJob resuming() {
        return new PretrainReplicaJob(shape, train, method, corpus, outDir, true, false);
    }

    @Override
    public void checkBeforeStart() {
        PretrainJob.Options o = options();
        if (!resume) SparkChecks.requireClippable(o.method(), o.train());
    }

    @Override
    public Prepared prepare(Replica replica, Path trainerDir) {
        PretrainJob.Options o = options();
        PretrainJob.Prepared p = PretrainJob.prepare(o, replica, trainerDir);
        SparkChecks.requireClippable(p.method(), p.train()); // the saved settings, on resume
        return Prepared.of(p.trainer(), p.optimizer(), () -> p.model().stateDict(), summary -> PretrainJob.finish(o, p, summary));
    }
}
