package dev.lowrank4j.dlrt;

import java.util.List;

/**
 * Parameter counts and compression rates as the DLRT paper counts them (ALGORITHMS.md §6(f)):
 * full = Σ m·n over the counted layers; a low-rank layer of rank r counts r(m+n) for evaluation
 * (U·S and V) and r(m+n) + r² for training (U, S, V); a full-rank layer counts m·n in both.
 * Biases are not counted. Compression = 1 − count / full. With ranks [15, 46, 13, 10] on LeNet5's
 * four layers this gives 47,975 and 50,585, as ScSteffen/DLRT's table.
 */
public record ParameterCounts(long full, long test, long train) {
    /** One counted layer: m×n, rank r, or r = 0 for a full-rank layer. */
    public record Layer(int m, int n, int rank) {}

    public static ParameterCounts of(List<Layer> layers) {
        long full = 0, test = 0, train = 0;
        for (Layer l : layers) {
            long mn = (long) l.m() * l.n();
            full += mn;
            if (l.rank() == 0) {
                test += mn;
                train += mn;
            } else {
                long r = l.rank(), eval = r * (l.m() + l.n());
                test += eval;
                train += eval + r * r;
            }
        }
        return new ParameterCounts(full, test, train);
    }

    public double testCompression() {
        return 1.0 - (double) test / full;
    }

    public double trainCompression() {
        return 1.0 - (double) train / full;
    }
}
