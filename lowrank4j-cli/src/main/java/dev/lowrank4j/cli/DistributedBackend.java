package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tasks.CausalFinetuneJob;
import dev.lowrank4j.tasks.PretrainJob;

import java.util.Map;
import java.util.ServiceLoader;

/**
 * Data-parallel training on an engine outside this jar (the lowrank4j-spark module), looked up at
 * run time so that the CLI jar neither depends on Spark nor grows: {@code ./lowrank4j ... --spark}
 * puts the module and Spark on the class path.
 */
public interface DistributedBackend {
    /** Runs the pretraining {@code o} on {@code workers} replicas under {@code master}; returns summary.json's fields. */
    Map<String, Object> pretrain(PretrainJob.Options o, String master, int workers);

    /** Runs the causal-LM fine-tuning {@code o} on {@code workers} replicas under {@code master}; returns summary.json's fields. */
    Map<String, Object> finetune(CausalFinetuneJob.Options o, String master, int workers);

    static DistributedBackend load() {
        return ServiceLoader.load(DistributedBackend.class).findFirst().orElseThrow(() -> new Lowrank4jException(
                "--spark needs the lowrank4j-spark module and Spark on the class path; run it through ./lowrank4j, "
                        + "which adds them when --spark is given (or spark-submit the lowrank4j-spark jar)"));
    }

    /** local[N] → N; local → 1; local[*] → the cores; any other master needs --workers. */
    static int defaultWorkers(String master) {
        if (master.equals("local")) return 1;
        if (master.equals("local[*]")) return Runtime.getRuntime().availableProcessors();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+)(,\\d+)?]").matcher(master);
        if (m.matches()) return Integer.parseInt(m.group(1));
        throw new Lowrank4jException("--spark " + master + ": give the number of replicas with --workers N");
    }
}
