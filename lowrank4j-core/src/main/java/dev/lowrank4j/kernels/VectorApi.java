package dev.lowrank4j.kernels;

import dev.lowrank4j.Lowrank4jException;

/**
 * The engine's kernels use the Vector API, an incubator module the JVM resolves only when asked
 * ({@code --add-modules jdk.incubator.vector}). Without it the first kernel call would die with a
 * {@code NoClassDefFoundError} deep inside a layer; the models check first and say what to do.
 */
public final class VectorApi {
    public static final String MODULE = "jdk.incubator.vector";
    private static final boolean PRESENT = ModuleLayer.boot().findModule(MODULE).isPresent();

    private VectorApi() {}

    public static boolean present() {
        return PRESENT;
    }

    /** A one-line {@link Lowrank4jException} naming the missing JVM flag, unless the module is there. */
    public static void require() {
        if (!PRESENT) {
            throw new Lowrank4jException("lowrank4j needs the Vector API: start the JVM with --add-modules " + MODULE
                    + " (and --enable-native-access=ALL-UNNAMED for the optional OpenBLAS/LAPACK backends)");
        }
    }
}
