package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxDirectoryTest {
    /** Pixels are byte/255 in float; the fixture's bytes are round(v·255/16). */
    private static final float PIXEL_TOLERANCE = 0.5f / 255 + 1e-7f;

    @Test
    void loadsAnMnistStyleFolderScaledToTheUnitInterval() {
        ImageSplit split = IdxDirectory.load(IdxFixtures.digits());
        ImageDataset train = split.train(), test = split.test();
        assertEquals(1437, train.size());
        assertEquals(360, test.size());
        assertEquals(1, train.channels());
        assertEquals(8, train.height());
        assertEquals(8, train.width());
        assertEquals(10, train.numClasses());
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : train.images()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        // digits.csv.gz row 1438 (the first test image) begins 0,4,16,15,2,0,0,0
        float[] expected = {0, 4 / 16f, 1, 15 / 16f, 2 / 16f, 0, 0, 0};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], test.images()[i], PIXEL_TOLERANCE);
        int[] perClass = new int[10];
        for (int l : train.labels()) perClass[l]++;
        for (int c : perClass) assertTrue(c > 120, "every digit is present: " + java.util.Arrays.toString(perClass));
    }

    @Test
    void plainFilesAreFoundToo(@TempDir Path dir) throws IOException {
        for (String name : new String[] {IdxDirectory.TRAIN_IMAGES, IdxDirectory.TRAIN_LABELS, IdxDirectory.TEST_IMAGES,
                IdxDirectory.TEST_LABELS}) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(IdxFixtures.digits().resolve(name + ".gz")))) {
                Files.write(dir.resolve(name), in.readAllBytes());
            }
        }
        ImageSplit split = IdxDirectory.load(dir);
        assertEquals(1437, split.train().size());
        assertEquals(360, split.test().size());
    }

    @Test
    void imagesAndLabelsOfDifferentCountsNameBothFiles() {
        Path dir = IdxFixtures.bad("count-mismatch");
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> IdxDirectory.load(dir));
        assertEquals(dir.resolve("train-images-idx3-ubyte") + " holds 3 images but " + dir.resolve("train-labels-idx1-ubyte")
                + " holds 2 labels", e.getMessage());
    }

    @Test
    void missingFilesAreListedWithTheHint(@TempDir Path dir) throws IOException {
        Files.copy(IdxFixtures.digits().resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-images-idx3-ubyte.gz"));
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> IdxDirectory.load(dir, "fashion-mnist", FashionMnist.INSTALL_HINT));
        assertEquals("fashion-mnist not found: " + dir + " lacks train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz],"
                + " t10k-labels-idx1-ubyte[.gz]; install the Debian package dataset-fashion-mnist"
                + " (apt-get install dataset-fashion-mnist)", e.getMessage());
    }

    @Test
    void fashionMnistThatIsNotInstalledSaysWhichPackageProvidesIt(@TempDir Path dir) {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> FashionMnist.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().startsWith("fashion-mnist not found: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)"));
    }
}
