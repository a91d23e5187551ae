package dev.lowrank4j.io.onnx;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken files give one line naming the file, never a protobuf stack trace. */
class OnnxBadInputTest {
    @TempDir
    Path dir;

    private String failure(byte[] content, String fileName) throws Exception {
        Path file = Files.write(dir.resolve(fileName), content);
        var e = assertThrows(Lowrank4jException.class, () -> OnnxModelReader.read(file));
        String msg = e.getMessage();
        System.out.println(fileName + " -> " + msg);
        assertTrue(msg.startsWith(file + ": not a valid ONNX model ("), msg);
        assertTrue(msg.endsWith(")"), msg);
        assertFalse(msg.contains("\n"), msg);
        return msg;
    }

    @Test
    void truncatedCopiesOfTheRealModel() throws Exception {
        byte[] real = RealModel.bytes();
        String head = failure(Arrays.copyOf(real, 1000), "head.onnx");
        assertTrue(head.contains("input ended unexpectedly"), head);
        // Large truncations in memory: writing 90 MB files would only slow the test down.
        for (int length : new int[]{real.length / 2, real.length - 1}) {
            var e = assertThrows(Lowrank4jException.class,
                    () -> OnnxModelReader.read(Arrays.copyOf(real, length), "cut.onnx"));
            assertTrue(e.getMessage().startsWith("cut.onnx: not a valid ONNX model (While parsing a protocol message, "
                    + "the input ended unexpectedly"), e.getMessage());
        }
    }

    @Test
    void garbageTextAndEmptyFiles() throws Exception {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        failure(noise, "noise.onnx");
        failure("this is not a model, just some text\n".getBytes(StandardCharsets.UTF_8), "text.onnx");
        String empty = failure(new byte[0], "empty.onnx");
        assertTrue(empty.contains("no ir_version"), empty);
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.onnx");
        var e = assertThrows(Lowrank4jException.class, () -> OnnxModelReader.read(file));
        assertTrue(e.getMessage().startsWith(file + ": cannot read the ONNX model (NoSuchFileException"), e.getMessage());
    }
}
