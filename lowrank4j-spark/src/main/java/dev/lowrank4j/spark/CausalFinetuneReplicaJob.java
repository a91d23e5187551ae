package dev.lowrank4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tasks.CausalFinetuneJob;
import dev.lowrank4j.tasks.FinetuneMethod;
import dev.lowrank4j.train.Replica;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;

/**
 * {@code finetune --spark} of a LLaMA as a causal LM: every replica loads the same base model and
 * applies the same seeded method; what trains (all weights for full, the factors for LoRA,
 * PeriodicLoRA and LoLDU) is exactly what the trainer's exchange averages.
 */
public record CausalFinetuneReplicaJob(String model, String text, FinetuneMethod method, String train, String outDir,
                                       boolean resume) implements ReplicaJob {

    public static CausalFinetuneReplicaJob of(CausalFinetuneJob.Options o) {
        try {
            return new CausalFinetuneReplicaJob(o.model().toAbsolutePath().toString(), o.text().toAbsolutePath().toString(),
                    o.method(), Json.MAPPER.writeValueAsString(o.train()), o.out().toAbsolutePath().toString(), o.resume());
        } catch (JsonProcessingException e) {
            throw new Lowrank4jException("cannot encode the run settings (" + e.getMessage() + ")");
        }
    }

    public CausalFinetuneJob.Options options() {
        try {
            return new CausalFinetuneJob.Options(Path.of(model), Path.of(text), method, Json.MAPPER.readValue(train, TrainConfig.class),
                    Path.of(outDir), resume);
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
        return new CausalFinetuneReplicaJob(model, text, method, train, outDir, true);
    }

    @Override
    public void checkBeforeStart() {
        CausalFinetuneJob.check(options());
    }

    @Override
    public Prepared prepare(Replica replica, Path trainerDir) {
        CausalFinetuneJob.Options o = options();
        CausalFinetuneJob.Prepared p = CausalFinetuneJob.prepare(o, replica, trainerDir);
        return Prepared.of(p.trainer(), p.optimizer(), () -> p.model().stateDict(), summary -> CausalFinetuneJob.finish(o, p, summary));
    }
}
