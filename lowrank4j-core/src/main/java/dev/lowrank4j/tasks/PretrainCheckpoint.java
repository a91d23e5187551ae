package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.train.Checkpoints;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@code pretrain} checkpoint as a model to run. Such a checkpoint holds what the run's method
 * trains, not a plain model: LoRA's factors beside the frozen W, LoQT's NF4 W with its projection P
 * and factor B. So the model is rebuilt the way the run built it (its run_config.json names the
 * method and shape) and the checkpoint fills it, exactly as {@code --resume} does; forward, eval
 * and generate then compute what training computed at that step.
 */
final class PretrainCheckpoint {
    private PretrainCheckpoint() {}

    /** The pretrain run configuration of checkpoint folder {@code dir} (RUN/checkpoints/step-N), if it is one. */
    static Optional<PretrainJob.Saved> runConfig(Path dir) {
        Optional<Path> run = runOf(dir);
        if (run.isEmpty()) return Optional.empty();
        Path config = run.get().resolve(RunFolder.CONFIG_FILE);
        if (!Files.isRegularFile(config)) return Optional.empty();
        try {
            return Optional.of(PretrainJob.readRunConfig(config));
        } catch (Lowrank4jException notPretrain) { // a fine-tune's run_config.json has another layout
            return Optional.empty();
        }
    }

    /** The run folder RUN of a checkpoint folder RUN/checkpoints/step-N, or empty when {@code dir} is not one. */
    static Optional<Path> runOf(Path dir) {
        if (!Files.isRegularFile(dir.resolve(Checkpoints.STATE_FILE))) return Optional.empty();
        Path parent = dir.toAbsolutePath().normalize().getParent();
        if (parent == null || !parent.getFileName().toString().equals(Checkpoints.DIR) || parent.getParent() == null) {
            return Optional.empty();
        }
        return Optional.of(parent.getParent());
    }

    /** The model of checkpoint {@code dir}, trained by the run {@code saved} describes. */
    static LlamaModel load(Path dir, PretrainJob.Saved saved) {
        LlamaModel model = saved.method().newModel(saved.shape().toConfig(), saved.train().seed());
        saved.method().prepare(model, saved.train().seed());
        Checkpoints.Loaded ck = Checkpoints.load(dir);
        new CausalLm(model).loadStateDict(ck.model(), ck.packed());
        return model;
    }
}
