package dev.lowrank4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The processor's name as {@code lscpu}'s "Model name" line gives it, for benchmark output. */
public final class CpuModel {
    private CpuModel() {}

    /** "model name" of /proc/cpuinfo, or the JVM's os.arch where there is no such file (not Linux). */
    public static String name() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the name is only a label
        }
        return System.getProperty("os.arch");
    }
}
