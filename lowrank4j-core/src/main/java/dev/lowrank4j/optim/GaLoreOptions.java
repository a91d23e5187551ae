package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.linalg.TopSvd;

/**
 * GaLore's settings. {@link #of(int)} gives the reference defaults (projector: T = 200, α = 1,
 * {@code std}; its AdamW: β = (0.9, 0.999), eps = 1e-6, no weight decay); the C4 scripts use
 * α = 0.25 and lr 0.01 (ALGORITHMS §2e).
 *
 * <p>The default SVD is {@link TopSvd#exact()} (LAPACK when the system has it, else EJML), as the
 * reference's {@code torch.linalg.svd} is exact: gradients often have flat spectra, where a
 * randomized range finder with few power iterations returns a visibly different subspace (20–90%
 * different updates against the authors' code). With the singular-vector sign convention every
 * {@link TopSvd} applies, the exact path reproduces the authors' trajectory (GaLoreReferenceTest).
 * {@link TopSvd#randomized()} stays available through {@link #withSvd(TopSvd)}.
 *
 * @param seed base seed of a randomized SVD's test matrices (combined with parameter and step)
 */
public record GaLoreOptions(int rank, long updateGap, double scale, ProjectionType type,
                            double beta1, double beta2, double eps, double weightDecay,
                            TopSvd svd, long seed) {
    public static final long DEFAULT_UPDATE_GAP = 200;
    public static final double DEFAULT_SCALE = 1.0;
    public static final double DEFAULT_BETA1 = 0.9, DEFAULT_BETA2 = 0.999, DEFAULT_EPS = 1e-6;
    /** Stands for T = ∞: the projector is computed once, at the first step. */
    public static final long NEVER_REFRESH = Long.MAX_VALUE;

    public GaLoreOptions {
        if (updateGap <= 0) throw new Lowrank4jException("the GaLore update gap T must be positive, got " + updateGap);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new Lowrank4jException("Adam betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0) || !(weightDecay >= 0) || !Double.isFinite(scale)) {
            throw new Lowrank4jException("invalid GaLore settings: eps " + eps + ", weight decay " + weightDecay + ", scale " + scale);
        }
        if (type == null || svd == null) throw new IllegalArgumentException("projection type and SVD are required");
    }

    public static GaLoreOptions of(int rank) {
        return new GaLoreOptions(rank, DEFAULT_UPDATE_GAP, DEFAULT_SCALE, ProjectionType.STD,
                DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, 0.0, TopSvd.exact(), 0L);
    }

    public GaLoreOptions withRank(int r) {
        return new GaLoreOptions(r, updateGap, scale, type, beta1, beta2, eps, weightDecay, svd, seed);
    }

    public GaLoreOptions withUpdateGap(long t) {
        return new GaLoreOptions(rank, t, scale, type, beta1, beta2, eps, weightDecay, svd, seed);
    }

    public GaLoreOptions withScale(double alpha) {
        return new GaLoreOptions(rank, updateGap, alpha, type, beta1, beta2, eps, weightDecay, svd, seed);
    }

    public GaLoreOptions withType(ProjectionType t) {
        return new GaLoreOptions(rank, updateGap, scale, t, beta1, beta2, eps, weightDecay, svd, seed);
    }

    public GaLoreOptions withAdam(double b1, double b2, double epsilon) {
        return new GaLoreOptions(rank, updateGap, scale, type, b1, b2, epsilon, weightDecay, svd, seed);
    }

    public GaLoreOptions withWeightDecay(double wd) {
        return new GaLoreOptions(rank, updateGap, scale, type, beta1, beta2, eps, wd, svd, seed);
    }

    public GaLoreOptions withSvd(TopSvd s) {
        return new GaLoreOptions(rank, updateGap, scale, type, beta1, beta2, eps, weightDecay, s, seed);
    }

    public GaLoreOptions withSeed(long s) {
        return new GaLoreOptions(rank, updateGap, scale, type, beta1, beta2, eps, weightDecay, svd, s);
    }
}
