package dev.lowrank4j.bench;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.VectorMath;

/**
 * How fast this machine streams floats from main memory with all of {@link Parallel}'s threads:
 * the roofline of a memory-bound decode step (every weight is read once per token). Reads an
 * array four times the size of a large L3 cache, each thread its own contiguous slice.
 */
public final class MemoryBandwidth {
    private static final int FLOATS = 32 << 20; // 128 MiB

    private MemoryBandwidth() {}

    /** Best GB/s (10⁹ bytes) of {@code passes} full reads. */
    public static double measure(int passes) {
        float[] a = new float[FLOATS];
        java.util.Arrays.fill(a, 1f);
        int parts = Parallel.threads();
        float[] sink = new float[parts];
        double best = 0;
        for (int pass = 0; pass < passes + 1; pass++) { // the first pass faults the pages in and warms the JIT
            long t0 = System.nanoTime();
            Parallel.forEach(parts, p -> {
                int from = (int) ((long) FLOATS * p / parts), to = (int) ((long) FLOATS * (p + 1) / parts);
                sink[p] += VectorMath.dot(a, from, a, from, to - from);
            });
            long ns = System.nanoTime() - t0;
            if (pass > 0) best = Math.max(best, 4.0 * FLOATS / ns);
        }
        if (Float.isNaN(sink[0])) throw new IllegalStateException("unreachable: keeps the reads alive");
        return best;
    }
}
