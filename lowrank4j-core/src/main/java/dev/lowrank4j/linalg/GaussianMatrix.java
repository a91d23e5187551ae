package dev.lowrank4j.linalg;

import dev.lowrank4j.util.Rng;

/** Seeded standard-normal test matrices for the randomized range finder. */
final class GaussianMatrix {
    private GaussianMatrix() {}

    /** count N(0,1) floats; Box–Muller keeps both values of each pair (the log/sin/cos dominate the cost). */
    static float[] sample(int count, long seed) {
        Rng rng = new Rng(seed);
        float[] out = new float[count];
        for (int i = 0; i < count; i += 2) {
            double u1 = Math.max(rng.nextDouble(), Double.MIN_NORMAL), u2 = rng.nextDouble();
            double radius = Math.sqrt(-2 * Math.log(u1)), angle = 2 * Math.PI * u2;
            out[i] = (float) (radius * Math.cos(angle));
            if (i + 1 < count) out[i + 1] = (float) (radius * Math.sin(angle));
        }
        return out;
    }
}
