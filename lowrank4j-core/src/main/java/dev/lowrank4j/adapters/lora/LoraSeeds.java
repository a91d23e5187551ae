package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.util.Rng;

/**
 * Per-layer random streams derived from one seed and the module path, so a layer's init does not
 * depend on how many other layers were adapted before it, and init and dropout never share a
 * stream. String.hashCode is fixed by the JLS, so the streams are the same on every JVM.
 */
public final class LoraSeeds {
    private static final long INIT_SALT = 0x1A2B3C4D5E6F7081L;
    private static final long DROPOUT_SALT = 0x7F4A7C159E3779B9L;

    private LoraSeeds() {
    }

    public static Rng init(long seed, String modulePath) {
        return new Rng(mix(seed ^ INIT_SALT, modulePath.hashCode()));
    }

    /** The stream for a re-initialisation (e.g. PeriodicLoRA's stage {@code stage}). */
    public static Rng init(long seed, String modulePath, long stage) {
        return new Rng(mix(mix(seed ^ INIT_SALT, modulePath.hashCode()), stage));
    }

    public static long dropout(long seed, String modulePath) {
        return mix(seed ^ DROPOUT_SALT, modulePath.hashCode());
    }

    /** One SplitMix64 step over (a, b): nearby inputs give unrelated outputs. */
    static long mix(long a, long b) {
        return new Rng(a * 0x9E3779B97F4A7C15L + b).nextLong();
    }
}
