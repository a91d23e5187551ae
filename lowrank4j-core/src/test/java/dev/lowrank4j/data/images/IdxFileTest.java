package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxFileTest {
    @Test
    void readsGzippedImagesAndLabels() {
        IdxFile.Images images = IdxFile.readImages(IdxFixtures.digits().resolve("train-images-idx3-ubyte.gz"));
        assertEquals(1437, images.count());
        assertEquals(8, images.rows());
        assertEquals(8, images.cols());
        assertEquals(1437 * 64, images.pixels().length);
        // digits.csv.gz row 1 begins 0,0,5,13,9,1,0,0 (counts 0..16), stored as round(v·255/16)
        int[] first = new int[8];
        for (int i = 0; i < 8; i++) first[i] = images.pixels()[i] & 0xFF;
        assertArrayEquals(new int[] {0, 0, 80, 207, 143, 16, 0, 0}, first);
        int[] labels = IdxFile.readLabels(IdxFixtures.digits().resolve("train-labels-idx1-ubyte.gz"));
        assertEquals(1437, labels.length);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, java.util.Arrays.copyOf(labels, 10));
    }

    @Test
    void aPlainFileReadsTheSameAsItsGzip(@TempDir Path dir) throws IOException {
        Path gz = IdxFixtures.digits().resolve("t10k-images-idx3-ubyte.gz"), plain = dir.resolve("t10k-images-idx3-ubyte");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.write(plain, in.readAllBytes());
        }
        IdxFile.Images a = IdxFile.readImages(gz), b = IdxFile.readImages(plain);
        assertEquals(360, b.count());
        assertArrayEquals(a.pixels(), b.pixels());
    }

    @Test
    void wrongMagicNumbersNameTheFileAndWhatWasFound() {
        Path file = IdxFixtures.bad("wrong-magic-idx3-ubyte");
        assertEquals(file + ": not an IDX image file: magic number 0x00000804, expected 0x00000803",
                message(() -> IdxFile.readImages(file)));
        Path labels = IdxFixtures.digits().resolve("t10k-labels-idx1-ubyte.gz");
        assertEquals(labels + ": not an IDX image file: magic number 0x00000801 (an IDX label file), expected 0x00000803",
                message(() -> IdxFile.readImages(labels)));
        Path images = IdxFixtures.digits().resolve("t10k-images-idx3-ubyte.gz");
        assertEquals(images + ": not an IDX label file: magic number 0x00000803 (an IDX image file), expected 0x00000801",
                message(() -> IdxFile.readLabels(images)));
    }

    @Test
    void truncatedFilesAreReportedAsTruncated() {
        Path shortHeader = IdxFixtures.bad("short-header-idx3-ubyte");
        assertEquals(shortHeader + ": truncated: the file ends inside the IDX header", message(() -> IdxFile.readImages(shortHeader)));
        Path plain = IdxFixtures.bad("truncated-idx3-ubyte");
        assertEquals(plain + ": truncated: header promises 3 images of 4x4 (48 bytes) but the data ends after 40",
                message(() -> IdxFile.readImages(plain)));
        Path gz = IdxFixtures.bad("truncated-idx3-ubyte.gz");
        assertEquals(gz + ": truncated: header promises 3 images of 4x4 (48 bytes) but the data ends after 40",
                message(() -> IdxFile.readImages(gz)));
        Path cut = IdxFixtures.bad("cut-gzip-idx3-ubyte.gz");
        assertEquals(cut + ": truncated: the compressed stream ends early (3 images of 4x4 promised by the header)",
                message(() -> IdxFile.readImages(cut)));
    }

    @Test
    void bytesAfterTheDataAreRejected() {
        Path file = IdxFixtures.bad("trailing-bytes-idx1-ubyte");
        assertEquals(file + ": unexpected bytes after the 3 labels its header declares", message(() -> IdxFile.readLabels(file)));
    }

    @Test
    void anOversizedHeaderIsRefusedBeforeAllocating() {
        Path file = IdxFixtures.bad("huge-header-idx3-ubyte");
        assertEquals(file + ": header claims 1073741824 images of 4096x4096, more than this reader accepts (268435456 pixels,"
                + " sides up to 4096)", message(() -> IdxFile.readImages(file)));
    }

    @Test
    void aHeaderWithinTheCapsCannotMakeTheReaderAllocateMoreThanTheFileHolds(@TempDir Path dir) throws IOException {
        // 2^28 pixels promised, 16 present: the reader must fail on the data, not on the heap
        Path file = dir.resolve("liar-idx3-ubyte");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + 16);
        b.putInt(IdxFile.IMAGES_MAGIC).putInt(1 << 16).putInt(64).putInt(64);
        Files.write(file, b.array());
        String msg = message(() -> IdxFile.readImages(file));
        assertTrue(msg.startsWith(file + ": truncated: header promises 65536 images of 64x64"), msg);
    }

    @Test
    void negativeSizesAndMissingFilesAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("negative-idx1-ubyte");
        Files.write(file, new byte[] {0, 0, 8, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE});
        assertEquals(file + ": header label count 4294967294 is not a valid size", message(() -> IdxFile.readLabels(file)));
        Path missing = dir.resolve("absent");
        assertEquals(missing + ": no such file", message(() -> IdxFile.readLabels(missing)));
    }

    private static String message(org.junit.jupiter.api.function.Executable e) {
        String m = assertThrows(Lowrank4jException.class, e).getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        return m;
    }
}
