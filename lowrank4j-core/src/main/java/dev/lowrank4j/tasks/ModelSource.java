package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.train.Checkpoints;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves a user's {@code --model} to a Hugging Face model folder: an HF folder itself, a finished run's
 * {@code model/}, or else a run's newest checkpoint.
 */
public final class ModelSource {
    private ModelSource() {}

    public static Path resolve(Path given) {
        if (!Files.isDirectory(given)) throw new Lowrank4jException(given + ": model folder not found");
        if (Files.isRegularFile(given.resolve(HfCheckpoint.CONFIG_FILE))) return given;
        Path exported = given.resolve(PretrainJob.MODEL_DIR); // a finished run's plain model (adapters merged)
        if (Files.isRegularFile(exported.resolve(HfCheckpoint.CONFIG_FILE))) return exported;
        return Checkpoints.latest(given).orElseThrow(() -> new Lowrank4jException(given
                + ": neither a Hugging Face model folder (no config.json) nor a run folder with checkpoints"));
    }
}
