package dev.lowrank4j.adapters.lora;

import dev.lowrank4j.util.Rng;

import java.util.Arrays;

/**
 * Fills a {@link LoraLinear}'s factors according to a {@link LoraInit} (PEFT's rules, ALGORITHMS §1b).
 */
public final class LoraInitializer {
    private LoraInitializer() {
    }

    public static void initialize(LoraLinear layer, LoraInit init, Rng rng) {
        float[] a = layer.loraA().data(), b = layer.loraB().data();
        switch (init) {
            case KAIMING_UNIFORM -> {
                uniform(a, 1.0 / Math.sqrt(layer.inFeatures()), rng);
                Arrays.fill(b, 0f);
            }
            case GAUSSIAN -> {
                double std = 1.0 / layer.rank();
                for (int i = 0; i < a.length; i++) a[i] = (float) (std * rng.nextGaussian());
                Arrays.fill(b, 0f);
            }
            case NONE -> { // nn.Linear's own default for both layers: bound 1/√fan_in, fan_in = in for A, r for B
                uniform(a, 1.0 / Math.sqrt(layer.inFeatures()), rng);
                uniform(b, 1.0 / Math.sqrt(layer.rank()), rng);
            }
            case PISSA -> Pissa.initialize(layer);
        }
    }

    /**
     * A fresh start for a layer that is already in use (PeriodicLoRA's stage boundary): a new A and
     * B = 0, so the layer's function does not change. PiSSA is refused because it would take the
     * principal part out of the base weight again.
     */
    public static void reinitialize(LoraLinear layer, LoraInit init, Rng rng) {
        if (init == LoraInit.PISSA || init == LoraInit.NONE) {
            throw new IllegalArgumentException("re-initialisation needs a B = 0 init (kaiming or gaussian), got " + init);
        }
        initialize(layer, init, rng);
    }

    /** U(−bound, bound): kaiming_uniform(a=√5) reduces to bound = 1/√fan_in. */
    private static void uniform(float[] w, double bound, Rng rng) {
        for (int i = 0; i < w.length; i++) w[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
    }
}
