package dev.lowrank4j.data.images;

import java.nio.file.Path;

/**
 * Fashion-MNIST (Zalando Research, MIT licence): 60,000 training and 10,000 test images of
 * 28×28 greyscale clothing in 10 classes, as Debian's {@code dataset-fashion-mnist} package installs
 * it: the four gzipped IDX files in {@value #DEFAULT_DIR}.
 */
public final class FashionMnist {
    public static final String DATASET = "fashion-mnist";
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    static final String INSTALL_HINT = "install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)";

    private FashionMnist() {}

    public static ImageSplit load() {
        return load(Path.of(DEFAULT_DIR));
    }

    public static ImageSplit load(Path dir) {
        return IdxDirectory.load(dir, DATASET, INSTALL_HINT);
    }
}
