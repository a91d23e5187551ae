package dev.lowrank4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.lowrank4j.cli.CliRun.assertOneLineError;
import static dev.lowrank4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `dlrt` and `bench step --model` as a user meets them: one-line errors for bad input (issue 9 item 8), a short run. */
class DlrtCommandTest {
    /** Writes MNIST-style IDX files: n images of side×side, labels 0..9 cycling. */
    static Path idxFolder(Path dir, int trainImages, int trainLabels, int side) throws IOException {
        Files.createDirectories(dir);
        writeImages(dir.resolve("train-images-idx3-ubyte"), trainImages, side, 0x803);
        writeLabels(dir.resolve("train-labels-idx1-ubyte"), trainLabels);
        writeImages(dir.resolve("t10k-images-idx3-ubyte"), 20, side, 0x803);
        writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), 20);
        return dir;
    }

    private static void writeImages(Path f, int n, int side, int magic) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + n * side * side); // big-endian by default
        b.putInt(magic).putInt(n).putInt(side).putInt(side);
        for (int i = 0; i < n * side * side; i++) b.put((byte) ((i * 37) & 0xFF));
        Files.write(f, b.array());
    }

    private static void writeLabels(Path f, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) b.put((byte) (i % 10));
        Files.write(f, b.array());
    }

    @Test
    void badIdxFilesAreOneLineErrors(@TempDir Path tmp) throws IOException {
        Path wrongMagic = idxFolder(tmp.resolve("magic"), 40, 40, 16);
        writeImages(wrongMagic.resolve("train-images-idx3-ubyte"), 40, 16, 0x804);
        assertOneLineError(run("dlrt", "--data", wrongMagic.toString(), "--out", tmp.resolve("o1").toString()), "magic");

        Path truncated = idxFolder(tmp.resolve("cut"), 40, 40, 16);
        byte[] whole = Files.readAllBytes(truncated.resolve("train-images-idx3-ubyte"));
        Files.write(truncated.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(whole, whole.length - 100));
        CliRun r = run("dlrt", "--data", truncated.toString(), "--out", tmp.resolve("o2").toString());
        assertOneLineError(r, "train-images-idx3-ubyte");

        Path counts = idxFolder(tmp.resolve("counts"), 40, 39, 16);
        assertOneLineError(run("dlrt", "--data", counts.toString(), "--out", tmp.resolve("o3").toString()), "40");
    }

    @Test
    void badSettingsAreOneLineErrors(@TempDir Path tmp) throws IOException {
        Path ok = idxFolder(tmp.resolve("ok"), 40, 40, 16);
        String out = tmp.resolve("o").toString();
        assertOneLineError(run("dlrt", "--data", ok.toString(), "--tau", "1.5", "--out", out), "outside (0, 1)");
        assertOneLineError(run("dlrt", "--data", ok.toString(), "--tau", "0", "--out", out), "--tau");
        assertOneLineError(run("dlrt", "--data", ok.toString(), "--start-rank", "600", "--out", out), "above min(m, n)");
        assertOneLineError(run("dlrt", "--data", ok.toString(), "--start-rank", "5,60,5", "--out", out), "start rank 60 of conv2");
        assertOneLineError(run("dlrt", "--data", ok.toString(), "--model", "resnet", "--out", out), "--model must be");
        assertOneLineError(run("dlrt", "--data", tmp.resolve("nowhere").toString(), "--out", out), "neither mnist");
        assertOneLineError(run("bench", "step", "--model", "lenet5", "--method", "galore"), "--method full or dlrt");
    }

    @Test
    void missingMnistSaysWhichScriptFetchesIt(@TempDir Path tmp) {
        String old = System.getProperty("lowrank4j.data");
        System.setProperty("lowrank4j.data", tmp.resolve("empty-cache").toString());
        try {
            assertOneLineError(run("dlrt", "--data", "mnist", "--out", tmp.resolve("o").toString()), "scripts/fetch-data.sh mnist");
        } finally {
            if (old == null) System.clearProperty("lowrank4j.data"); else System.setProperty("lowrank4j.data", old);
        }
    }

    @Test
    void aShortRunWritesItsFolder(@TempDir Path tmp) throws IOException {
        Path ok = idxFolder(tmp.resolve("ok"), 40, 40, 16);
        Path out = tmp.resolve("run");
        CliRun r = run("dlrt", "--data", ok.toString(), "--epochs", "1", "--batch", "20", "--start-rank", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test accuracy"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("summary.json")) && Files.isRegularFile(out.resolve("model/lowrank_model.json")));
        CliRun again = run("dlrt", "--data", ok.toString(), "--epochs", "1", "--batch", "20", "--start-rank", "4", "--out", out.toString());
        assertOneLineError(again, "already holds a run");
    }
}
