package dev.lowrank4j.dlrt;

import dev.lowrank4j.Lowrank4jException;

/**
 * The settings of a DLRT run besides learning rate and batches (ALGORITHMS.md §6).
 *
 * @param fixedRank       0 for rank-adaptive KLS; r > 0 for fixed-rank KLS at rank r (per layer at most min(m, n))
 * @param tau             truncation tolerance ϑ (adaptive only)
 * @param absoluteTau     ϑ is an absolute tail norm instead of a fraction of ‖σ‖₂
 * @param rule            truncation rule and rank clamp (paper or COMPiLELab's)
 * @param denseTauFactor  multiplies ϑ on dense (not convolutional) layers: 1 in the paper, 0.45 in ScSteffen/DLRT
 * @param maxRank         cap on every layer's rank; 0 = the rule's default
 * @param integrator      how K, L, S and the full-rank parameters descend (SGD = the paper's "euler", or Adam)
 * @param init            how the factors start (the two code bases differ)
 */
public record DlrtOptions(int fixedRank, double tau, boolean absoluteTau, Truncation.Rule rule, double denseTauFactor,
                          int maxRank, IntegratorKind integrator, LowRankInit.Kind init) {
    public enum IntegratorKind { SGD, ADAM }

    /** Named bundles of the authors' choices that change results. */
    public enum Quirks {
        /** The paper's math: relative ϑ on every layer, "≤", clamp only to [1, min(m, n)]. */
        PAPER,
        /** ScSteffen/DLRT: 0.45·ϑ on dense layers (also for absolute ϑ); otherwise the paper's rule. */
        SCSTEFFEN,
        /** COMPiLELab/DLRT-Net: tail without the smallest σ, strict "<", no-cut keeps r, clamp [2, min(m, n)/2]. */
        COMPILELAB
    }

    public DlrtOptions {
        if (fixedRank < 0) throw new Lowrank4jException("--fixed-rank must be >= 1, got " + fixedRank);
        if (fixedRank == 0) {
            if (!(tau > 0) || !Double.isFinite(tau)) throw new Lowrank4jException("--tau must be a positive number, got " + tau);
            if (!absoluteTau && tau >= 1) {
                throw new Lowrank4jException("--tau " + tau + " is outside (0, 1), which the relative truncation rule needs"
                        + " (pass --absolute-tau for an absolute tolerance)");
            }
        }
        if (!(denseTauFactor > 0)) throw new Lowrank4jException("the dense-layer ϑ factor must be > 0, got " + denseTauFactor);
        if (maxRank < 0) throw new Lowrank4jException("--max-rank must be >= 0 (0 = the rule's default), got " + maxRank);
    }

    public boolean adaptive() {
        return fixedRank == 0;
    }

    /** Rank-adaptive KLS with the paper's rule, SGD and ScSteffen's init (the LeNet5 table's setup). */
    public static DlrtOptions adaptive(double tau) {
        return new DlrtOptions(0, tau, false, Truncation.Rule.PAPER, 1.0, 0, IntegratorKind.SGD, LowRankInit.Kind.SVD_OF_DEFAULT);
    }

    public static DlrtOptions fixed(int rank) {
        return new DlrtOptions(rank, 0, false, Truncation.Rule.PAPER, 1.0, 0, IntegratorKind.SGD, LowRankInit.Kind.SVD_OF_DEFAULT);
    }

    /** The same settings with one authors' bundle applied. */
    public DlrtOptions withQuirks(Quirks q) {
        return switch (q) {
            case PAPER -> new DlrtOptions(fixedRank, tau, absoluteTau, Truncation.Rule.PAPER, 1.0, maxRank, integrator, init);
            case SCSTEFFEN -> new DlrtOptions(fixedRank, tau, absoluteTau, Truncation.Rule.PAPER, 0.45, maxRank, integrator, init);
            case COMPILELAB -> new DlrtOptions(fixedRank, tau, absoluteTau, Truncation.Rule.COMPILELAB, 1.0, maxRank, integrator, init);
        };
    }

    public DlrtOptions withIntegrator(IntegratorKind k) {
        return new DlrtOptions(fixedRank, tau, absoluteTau, rule, denseTauFactor, maxRank, k, init);
    }

    public DlrtOptions withInit(LowRankInit.Kind k) {
        return new DlrtOptions(fixedRank, tau, absoluteTau, rule, denseTauFactor, maxRank, integrator, k);
    }

    public DlrtOptions withAbsoluteTau(boolean absolute) {
        return new DlrtOptions(fixedRank, tau, absolute, rule, denseTauFactor, maxRank, integrator, init);
    }

    public DlrtOptions withMaxRank(int r) {
        return new DlrtOptions(fixedRank, tau, absoluteTau, rule, denseTauFactor, r, integrator, init);
    }
}
