package dev.lowrank4j.linalg;

import dev.lowrank4j.Lowrank4jException;

import java.util.List;
import java.util.Optional;

/**
 * Computes the top-r singular vectors of a row-major float matrix. The seed makes randomized
 * implementations reproducible; exact ones ignore it. Implementations reject NaN/Inf input and
 * ranks outside [1, min(rows, cols)] with a {@link Lowrank4jException} naming the matrix, always
 * return orthonormal vectors (also for all-zero or rank-deficient input), and give them the one
 * sign convention described on {@link SingularTriplets}.
 */
@FunctionalInterface
public interface TopSvd {
    /** The names {@link #byName(String)} accepts, for CLI help. */
    List<String> NAMES = List.of("exact", "randomized");

    SingularTriplets top(float[] a, int rows, int cols, int rank, long seed, String name);

    /** Which algorithm and backend this is, for run reports. */
    default String describe() {
        return getClass().getSimpleName();
    }

    /**
     * The exact top-r: native LAPACK when the system has it ({@link #exactNative()}), else
     * {@link #exactJava()}. Both give the same vectors to float precision.
     */
    static TopSvd exact() {
        return exactNative().orElseGet(TopSvd::exactJava);
    }

    /** Pure Java: double Gram matrix of the shorter side and EJML's symmetric eigen-solver. Always there. */
    static TopSvd exactJava() {
        return new GramTopSvd(new JavaGramEigen());
    }

    /**
     * The same algorithm on the system OpenBLAS through FFM ({@code cblas_dsyrk}, LAPACK
     * {@code dsyevr}); empty when no such library was found.
     */
    static Optional<TopSvd> exactNative() {
        return LapackGramEigen.available() ? Optional.of(new GramTopSvd(LapackGramEigen.create())) : Optional.empty();
    }

    /**
     * Randomized range finder with the default oversampling and power iterations. Accurate only
     * when the spectrum decays; on flat spectra (e.g. Gaussian gradients) its subspace is far off.
     */
    static TopSvd randomized() {
        return new RandomizedSvd(RandomizedSvd.DEFAULT_OVERSAMPLING, RandomizedSvd.DEFAULT_POWER_ITERATIONS);
    }

    static TopSvd randomized(int oversampling, int powerIterations) {
        return new RandomizedSvd(oversampling, powerIterations);
    }

    /** {@code exact} or {@code randomized} (see {@link #NAMES}); anything else is a one-line error. */
    static TopSvd byName(String name) {
        return switch (name == null ? "" : name) {
            case "exact" -> exact();
            case "randomized" -> randomized();
            default -> throw new Lowrank4jException("unknown SVD '" + name + "'; valid: " + String.join(", ", NAMES));
        };
    }

    /** The shared argument checks every implementation runs first. */
    static void checkArguments(float[] a, int rows, int cols, int rank, String name) {
        MatrixChecks.requireShape(a, rows, cols, name);
        MatrixChecks.requireRank(rank, rows, cols, name);
        MatrixChecks.requireFinite(a, rows, cols, name);
    }
}
