package dev.lowrank4j.linalg;

/**
 * Computes the top-r singular vectors of a row-major float matrix. The seed makes randomized
 * implementations reproducible; exact ones ignore it. Implementations reject NaN/Inf input and
 * ranks outside [1, min(rows, cols)] with a {@link dev.lowrank4j.Lowrank4jException} naming the
 * matrix, and always return orthonormal vectors (also for all-zero or rank-deficient input).
 */
@FunctionalInterface
public interface TopSvd {
    SingularTriplets top(float[] a, int rows, int cols, int rank, long seed, String name);

    /** Full SVD in double precision through EJML, truncated: slow on big matrices, the reference for tests. */
    static TopSvd exact() {
        return new ExactSvd();
    }

    /** Randomized range finder with the default oversampling and power iterations. */
    static TopSvd randomized() {
        return new RandomizedSvd(RandomizedSvd.DEFAULT_OVERSAMPLING, RandomizedSvd.DEFAULT_POWER_ITERATIONS);
    }

    static TopSvd randomized(int oversampling, int powerIterations) {
        return new RandomizedSvd(oversampling, powerIterations);
    }

    /** The shared argument checks every implementation runs first. */
    static void checkArguments(float[] a, int rows, int cols, int rank, String name) {
        MatrixChecks.requireShape(a, rows, cols, name);
        MatrixChecks.requireRank(rank, rows, cols, name);
        MatrixChecks.requireFinite(a, rows, cols, name);
    }
}
