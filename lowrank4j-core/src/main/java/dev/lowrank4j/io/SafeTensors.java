package dev.lowrank4j.io;

import java.nio.file.Path;

/** Entry point for reading safetensors files; writing goes through {@link SafeTensorsWriter}. */
public final class SafeTensors {
    private SafeTensors() {
    }

    /**
     * Opens and validates a safetensors file. Every problem with the file (missing, truncated,
     * malformed header, inconsistent offsets) is reported as a one-line
     * {@link dev.lowrank4j.Lowrank4jException} naming the file and, where relevant, the tensor.
     */
    public static SafeTensorsFile open(Path path) {
        return SafeTensorsFile.open(path);
    }
}
