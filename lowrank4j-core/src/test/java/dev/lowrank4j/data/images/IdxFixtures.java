package dev.lowrank4j.data.images;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the committed IDX fixtures (scripts/reference/make_idx_fixtures.py). */
final class IdxFixtures {
    private IdxFixtures() {}

    /** scikit-learn's 8x8 digits as an MNIST-style folder: 1,437 training and 360 test images. */
    static Path digits() {
        return resource("/digits-8x8");
    }

    /** Hand-made broken files. */
    static Path bad(String name) {
        return resource("/idx-bad/" + name);
    }

    static Path resource(String name) {
        try {
            return Path.of(IdxFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " is missing", e);
        }
    }
}
