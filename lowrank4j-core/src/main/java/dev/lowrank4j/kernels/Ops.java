package dev.lowrank4j.kernels;

/**
 * Entry point for element-wise kernels. System property {@code lowrank4j.kernels} picks
 * {@code simd} (default, {@link SimdOps}) or {@code scalar} (the reference {@link ScalarOps}).
 */
public final class Ops {
    private static volatile VectorOps ops = choose(System.getProperty("lowrank4j.kernels", "simd"));

    private Ops() {}

    static VectorOps choose(String name) {
        return switch (name) {
            case "scalar" -> new ScalarOps();
            case "simd" -> new SimdOps();
            default -> throw new IllegalArgumentException(
                    "lowrank4j.kernels must be scalar or simd, got '" + name + "'");
        };
    }

    /** The configured implementation. */
    public static VectorOps get() {
        return ops;
    }

    /** Replaces the implementation (tests, benchmarks). */
    public static void set(VectorOps replacement) {
        ops = replacement;
    }
}
