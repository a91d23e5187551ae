package dev.lowrank4j.spark;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.cli.DistributedBackend;
import dev.lowrank4j.tasks.CausalFinetuneJob;
import dev.lowrank4j.tasks.PretrainJob;
import dev.lowrank4j.util.Json;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@code lowrank4j pretrain|finetune --spark MASTER}: starts a SparkContext, runs the replicas, stops it. */
public final class SparkBackend implements DistributedBackend {
    @Override
    public Map<String, Object> pretrain(PretrainJob.Options o, String master, int workers) {
        return run(PretrainReplicaJob.of(o), "pretrain", master, workers);
    }

    @Override
    public Map<String, Object> finetune(CausalFinetuneJob.Options o, String master, int workers) {
        return run(CausalFinetuneReplicaJob.of(o), "finetune", master, workers);
    }

    private static Map<String, Object> run(ReplicaJob job, String command, String master, int workers) {
        Path out = job.out();
        try (JavaSparkContext sc = new JavaSparkContext(SparkRuntime.conf(master, "lowrank4j " + command + " " + out.getFileName()))) {
            sc.setLogLevel("WARN");
            SparkReplicas.run(sc, job, workers);
        }
        try {
            return Json.MAPPER.readValue(out.resolve("summary.json").toFile(), new TypeReference<>() {});
        } catch (IOException e) {
            throw new Lowrank4jException(out + ": the run finished but its summary.json is unreadable (" + e.getMessage() + ")");
        }
    }
}
