package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.classify.DataCache;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDatasetTest {
    private static ImageDataset tiny() {
        float[] pixels = new float[5 * 4];
        for (int i = 0; i < pixels.length; i++) pixels[i] = i;
        return new ImageDataset("tiny", pixels, new int[] {0, 1, 2, 1, 0}, 1, 2, 2, 3);
    }

    @Test
    void batchesGatherImagesAndReuseTheirBuffers() {
        ImageDataset data = tiny();
        ImageBatch b = data.batch(new int[] {3, 0}, null);
        assertArrayEquals(new float[] {12, 13, 14, 15, 0, 1, 2, 3}, b.images());
        assertArrayEquals(new int[] {1, 0}, b.labels());
        ImageBatch again = data.batch(new int[] {4, 1}, b);
        assertSame(b, again, "same size: refilled in place");
        assertArrayEquals(new float[] {16, 17, 18, 19, 4, 5, 6, 7}, again.images());
        assertNotSame(b, data.batch(new int[] {2}, b), "a shorter last batch gets its own buffers");
        ImageDataset sub = data.subset("tiny[2,4]", new int[] {2, 4});
        assertEquals(2, sub.size());
        assertArrayEquals(new int[] {2, 0}, sub.labels());
        assertEquals(8f, sub.images()[0]);
    }

    @Test
    void inconsistentDataIsRejected() {
        assertEquals("t: label 3 of image 1 is outside 0..2", assertThrows(Lowrank4jException.class,
                () -> new ImageDataset("t", new float[8], new int[] {0, 3}, 1, 2, 2, 3)).getMessage());
        assertEquals("t: 7 pixel values for 2 images of 1x2x2", assertThrows(Lowrank4jException.class,
                () -> new ImageDataset("t", new float[7], new int[] {0, 1}, 1, 2, 2, 3)).getMessage());
        assertEquals("t: holds no images", assertThrows(Lowrank4jException.class,
                () -> new ImageDataset("t", new float[0], new int[0], 1, 2, 2, 3)).getMessage());
    }

    @Test
    void epochOrderIsASeededPermutationCutIntoBatches() {
        List<int[]> batches = EpochOrder.batches(10, 4, new Rng(5));
        assertEquals(List.of(4, 4, 2), batches.stream().map(b -> b.length).toList(), "the last batch is short");
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
        Rng rng = new Rng(5);
        int[] first = EpochOrder.permutation(1000, rng), second = EpochOrder.permutation(1000, rng);
        assertArrayEquals(first, EpochOrder.permutation(1000, new Rng(5)), "a function of the generator's state");
        assertFalse(Arrays.equals(first, second), "the next epoch is another order");
        assertThrows(Lowrank4jException.class, () -> EpochOrder.batches(10, 0, new Rng(1)));
    }

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
