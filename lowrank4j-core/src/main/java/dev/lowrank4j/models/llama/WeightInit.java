package dev.lowrank4j.models.llama;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.util.Rng;

/**
 * Reproducible initialisation. Every parameter draws from its own SplitMix64 stream seeded by the
 * model seed and the parameter's name, so a value depends only on (seed, name, index): not on the
 * order in which parameters are created, nor on how many other parameters exist. Normals come from
 * Box–Muller with StrictMath, whose results are specified bit for bit, so the same seed gives the
 * same weights on every JDK and CPU.
 */
final class WeightInit {
    private WeightInit() {}

    /** Fills p with N(0, std²) samples. */
    static void normal(Parameter p, long seed, double std) {
        float[] d = p.data();
        normal(d, streamSeed(seed, p.name()), std, 0, d.length);
    }

    /**
     * Values [from, to) of the N(0, std²) stream {@code stream} into d[from, to): the same numbers
     * a fill of the whole array puts there, so a weight can be regenerated in pieces and in
     * parallel. Value pair j uses draws 2j and 2j + 1 and SplitMix64
     * skips ahead in O(1), so a piece starts by skipping; {@code from} must be even.
     */
    static void normal(float[] d, long stream, double std, int from, int to) {
        if ((from & 1) != 0) throw new IllegalArgumentException("a piece of a normal stream starts at an even index, got " + from);
        Rng rng = new Rng(stream);
        rng.skip(from);
        for (int i = from; i < to; i += 2) {
            double u1 = Math.max(rng.nextDouble(), Double.MIN_NORMAL), u2 = rng.nextDouble();
            double radius = Math.sqrt(-2.0 * StrictMath.log(u1)), angle = 2.0 * Math.PI * u2;
            d[i] = (float) (std * radius * StrictMath.cos(angle));
            if (i + 1 < to) d[i + 1] = (float) (std * radius * StrictMath.sin(angle));
        }
    }

    static void ones(Parameter p) {
        java.util.Arrays.fill(p.data(), 1f);
    }

    /** String.hashCode is specified by the JLS, so the stream seed is stable everywhere. */
    static long streamSeed(long seed, String name) {
        return seed * 0x9E3779B97F4A7C15L + name.hashCode();
    }
}
