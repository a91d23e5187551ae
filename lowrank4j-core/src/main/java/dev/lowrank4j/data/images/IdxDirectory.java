package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder holding an MNIST-style data set as four IDX files under their usual names:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}
 * and {@code t10k-labels-idx1-ubyte}, each either plain or with {@code .gz} (the plain file is
 * taken when both exist, as that is what gunzip leaves behind). Real MNIST, Fashion-MNIST and
 * KMNIST all come this way. Classes are 0 … the largest label of either set.
 */
public final class IdxDirectory {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private IdxDirectory() {}

    /** Loads {@code dir}; {@code name} labels the data sets (e.g. "fashion-mnist"), {@code missingHint} ends a not-found error. */
    public static ImageSplit load(Path dir, String name, String missingHint) {
        List<String> missing = new ArrayList<>();
        Path[] files = new Path[NAMES.size()];
        for (int i = 0; i < files.length; i++) {
            files[i] = find(dir, NAMES.get(i));
            if (files[i] == null) missing.add(NAMES.get(i) + "[.gz]");
        }
        if (!missing.isEmpty()) {
            throw new Lowrank4jException(name + " not found: " + dir + " lacks " + String.join(", ", missing) + "; " + missingHint);
        }
        IdxFile.Images trainImages = IdxFile.readImages(files[0]), testImages = IdxFile.readImages(files[2]);
        int[] trainLabels = IdxFile.readLabels(files[1]), testLabels = IdxFile.readLabels(files[3]);
        requireSameCount(files[0], trainImages.count(), files[1], trainLabels.length);
        requireSameCount(files[2], testImages.count(), files[3], testLabels.length);
        if (trainImages.rows() != testImages.rows() || trainImages.cols() != testImages.cols()) {
            throw new Lowrank4jException(files[0] + " holds " + trainImages.rows() + "x" + trainImages.cols() + " images but "
                    + files[2] + " holds " + testImages.rows() + "x" + testImages.cols());
        }
        int classes = Math.max(2, Math.max(max(trainLabels), max(testLabels)) + 1);
        return new ImageSplit(ImageDataset.fromIdx(name + " train", trainImages, trainLabels, classes),
                ImageDataset.fromIdx(name + " test", testImages, testLabels, classes));
    }

    /** Loads a folder the user named (the CLI's DIR). */
    public static ImageSplit load(Path dir) {
        return load(dir, dir.toString(), "a data folder needs the four IDX files under these names (plain or .gz)");
    }

    private static Path find(Path dir, String base) {
        for (String candidate : List.of(base, base + ".gz")) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static void requireSameCount(Path images, int imageCount, Path labels, int labelCount) {
        if (imageCount != labelCount) {
            throw new Lowrank4jException(images + " holds " + imageCount + " images but " + labels + " holds "
                    + labelCount + " labels");
        }
    }

    private static int max(int[] a) {
        int m = 0;
        for (int v : a) m = Math.max(m, v);
        return m;
    }
}
