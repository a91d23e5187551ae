package dev.lowrank4j.spark;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.cli.DistributedBackend;
import dev.lowrank4j.tasks.PretrainJob;
import dev.lowrank4j.util.Json;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.util.Map;

/** {@code lowrank4j pretrain --spark MASTER}: starts a SparkContext, runs the replicas, stops it. */
public final class SparkBackend implements DistributedBackend {
    @Override
    public Map<String, Object> pretrain(PretrainJob.Options o, String master, int workers) {
        try (JavaSparkContext sc = new JavaSparkContext(SparkRuntime.conf(master, "lowrank4j pretrain " + o.out().getFileName()))) {
            sc.setLogLevel("WARN");
            SparkPretrain.run(sc, o, workers);
        }
        try {
            return Json.MAPPER.readValue(o.out().resolve("summary.json").toFile(), new TypeReference<>() {});
        } catch (IOException e) {
            throw new Lowrank4jException(o.out() + ": the run finished but its summary.json is unreadable (" + e.getMessage() + ")");
        }
    }
}
