package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.Lowrank4jException;

/**
 * Settings of block-wise reconstruction (ALGORITHMS §5(b), defaults §5(e)).
 *
 * @param method     rtn (no learning), flexround or lrq
 * @param bits       weight bits, 2–8
 * @param grid       how the starting grid (s1, z) is chosen
 * @param rank       LRQ's rank (ignored otherwise); 0 = {@link #DEFAULT_RANK} capped at min(out, in) per layer
 * @param iterations Adam steps per block (the authors run 5000)
 * @param batch      calibration samples per step (the authors use 2)
 * @param lr         Adam's peak learning rate, annealed to 0 by a cosine over {@code iterations}
 * @param seed       for LRQ's U and the order calibration samples are drawn in
 */
public record ReconstructionOptions(PtqMethod method, int bits, GridInit grid, int rank, int iterations, int batch,
                                    double lr, long seed) {
    /** At our widths (a few hundred) the authors' 1024/2048 rule means full rank or an error; see LrqQuantizer. */
    public static final int DEFAULT_RANK = 8;

    public ReconstructionOptions {
        QuantGrid.checkBits(bits);
        if (rank < 0) throw new Lowrank4jException("--rank must be positive, got " + rank);
        if (iterations < 0) throw new Lowrank4jException("--iters must be >= 0, got " + iterations);
        if (batch < 1) throw new Lowrank4jException("--batch must be >= 1, got " + batch);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new Lowrank4jException("--lr must be a positive number, got " + lr);
    }

    /** The rank LRQ uses on a layer [out, in]; an explicit rank above min(out, in) is a one-line error. */
    public int rankFor(String modulePath, int out, int in) {
        int limit = Math.min(out, in);
        if (rank == 0) return Math.min(DEFAULT_RANK, limit);
        if (rank > limit) {
            throw new Lowrank4jException("--rank " + rank + " is above min(out, in) = " + limit + " of " + modulePath
                    + " [" + out + ", " + in + "]");
        }
        return rank;
    }
}
