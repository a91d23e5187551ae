package dev.lowrank4j.bounds;

import dev.lowrank4j.dlrt.LowRankModelFile;
import dev.lowrank4j.tasks.vision.DlrtJob;
import dev.lowrank4j.train.Checkpoints;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a saved DLRT classifier ({@link LowRankModelFile}) sits for a path the user gives: the
 * model folder itself (or a checkpoint, which holds the same two files), or a run folder of
 * {@code lowrank4j dlrt} — its final {@code model/}, else its latest checkpoint. A full-rank
 * {@code dlrt --baseline} run is saved the same way with no low-rank layers, so it loads here too.
 */
public final class DlrtFolder {
    private DlrtFolder() {}

    /** The folder holding {@code lowrank_model.json}, or empty when {@code given} is not a DLRT model or run. */
    public static Optional<Path> find(Path given) {
        if (isModel(given)) return Optional.of(given);
        Path model = given.resolve(DlrtJob.MODEL_DIR);
        if (isModel(model)) return Optional.of(model);
        return Checkpoints.latest(given).filter(DlrtFolder::isModel);
    }

    private static boolean isModel(Path dir) {
        return Files.isRegularFile(dir.resolve(LowRankModelFile.CONFIG_FILE))
                && Files.isRegularFile(dir.resolve(LowRankModelFile.WEIGHTS_FILE));
    }
}
