package dev.lowrank4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lowrank4j.data.images.IdxFile;

import java.nio.file.Path;

/** IDX (MNIST-style) image and label files, plain or gzip-compressed: header, caps, data length. */
class IdxFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void imagesAndLabels(byte[] bytes) {
        Path f = FuzzInputs.scratchFile("fuzz-idx-ubyte", bytes);
        FuzzInputs.expectOnlyProjectErrors(() -> IdxFile.readImages(f));
        FuzzInputs.expectOnlyProjectErrors(() -> IdxFile.readLabels(f));
    }
}
