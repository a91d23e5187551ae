package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
