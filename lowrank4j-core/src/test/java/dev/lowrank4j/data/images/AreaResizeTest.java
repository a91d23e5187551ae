package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AreaResizeTest {
    private static ImageDataset ramp(int n, int side) {
        float[] px = new float[n * side * side];
        for (int i = 0; i < px.length; i++) px[i] = (i * 37 % 101) / 100f;
        return new ImageDataset("ramp", px, new int[n], 1, side, side, 2);
    }

    @Test
    void wholeRatiosAverageBlocks() {
        float[] px = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        ImageDataset d = new ImageDataset("4x4", px, new int[] {1}, 1, 4, 4, 2);
        ImageDataset r = AreaResize.resize(d, 2);
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, r.images(), 1e-6f);
        assertEquals(2, r.height());
        assertArrayEquals(new int[] {1}, r.labels());
    }

    @Test
    void fractionalRatiosKeepEveryImagesMeanAndTheIdentityIsExact() {
        ImageDataset d = ramp(3, 28);
        for (int side : new int[] {8, 14, 28}) {
            ImageDataset r = AreaResize.resize(d, side);
            for (int img = 0; img < 3; img++) {
                double a = 0, b = 0;
                for (int k = 0; k < 28 * 28; k++) a += d.images()[img * 784 + k];
                for (int k = 0; k < side * side; k++) b += r.images()[img * side * side + k];
                assertEquals(a / 784, b / (side * side), 1e-5, "mean of image " + img + " at " + side);
            }
        }
        assertArrayEquals(d.images(), AreaResize.resize(d, 28).images(), 1e-6f);
        double[][] w = AreaResize.weights(28, 8); // 3.5 source pixels per output pixel
        assertEquals(1 / 3.5, w[0][0], 1e-12);
        assertEquals(0.5 / 3.5, w[0][3], 1e-12);
        assertEquals(0.5 / 3.5, w[1][3], 1e-12);
    }

    @Test
    void growingIsRefused() {
        assertThrows(Lowrank4jException.class, () -> AreaResize.resize(ramp(1, 8), 9));
        assertThrows(Lowrank4jException.class, () -> AreaResize.resize(ramp(1, 8), 0));
    }
}
