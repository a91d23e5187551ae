package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.DataCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisionDatasetsTest {
    @Test
    void namesResolveToTheirLoaders(@TempDir Path cache) {
        ImageSplit digits = VisionDatasets.load(IdxFixtures.digits().toString());
        assertEquals(1437, digits.train().size());
        assertEquals("data set 'cifar' is neither mnist, fashion-mnist nor a folder holding the four MNIST-style IDX files",
                assertThrows(Lowrank4jException.class, () -> VisionDatasets.load("cifar")).getMessage());
        String saved = System.getProperty(DataCache.PROPERTY);
        System.setProperty(DataCache.PROPERTY, cache.toString());
        try {
            String m = assertThrows(Lowrank4jException.class, () -> VisionDatasets.load("mnist")).getMessage();
            assertTrue(m.contains(cache.resolve("mnist").resolve("0.json") + " is missing; run scripts/fetch-data.sh mnist"), m);
        } finally {
            if (saved == null) System.clearProperty(DataCache.PROPERTY);
            else System.setProperty(DataCache.PROPERTY, saved);
        }
    }
}
