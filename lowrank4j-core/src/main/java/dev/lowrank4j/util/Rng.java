package dev.lowrank4j.util;

/**
 * SplitMix64: a tiny, fast generator whose whole state is one long, so a checkpoint can save it
 * and a resumed run continues the exact same random stream (java.util.Random would also do, but
 * its state is not readable without reflection).
 */
public final class Rng {
    /** The state's increment per draw. */
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        long z = (state += GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Jumps over {@code draws} calls of {@link #nextLong()} in O(1): the state only advances by a constant per draw. */
    public void skip(long draws) {
        state += draws * GAMMA;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive");
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    /** Uniform double in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal via Box–Muller (one value per call, the pair's twin is discarded for simplicity). */
    public double nextGaussian() {
        double u1 = nextDouble(), u2 = nextDouble();
        if (u1 < 1e-300) u1 = 1e-300;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Fisher–Yates in place (java.util.Collections.shuffle would need a java.util.Random). */
    public <T> void shuffle(java.util.List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
