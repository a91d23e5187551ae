package dev.lowrank4j.adapters.plora;

/**
 * How PeriodicLoRA moves part of the adapter into the base weight between stage ends.
 * The paper's "momentum-based unloading" formula is not public (ALGORITHMS §7, UNVERIFIED), so:
 * <ul>
 *   <li>{@link #FUNCTION_PRESERVING} (our default when momentum is on):
 *       {@code W ← W + m·s·B·A; B ← (1−m)·B}. The effective weight W + s·B·A is unchanged
 *       (W + m·sBA + (1−m)·sBA), so unloading never jolts the loss; it only shifts where the
 *       update lives, and B shrinks geometrically so the next full unload has less to move.</li>
 *   <li>{@link #SCALE_BOTH}: the third-party reading (hhnqqq/MyTransformers plora.py):
 *       {@code W ← W + m·s·B·A; A ← (1−m)·A; B ← (1−m)·B}. The effective weight changes by
 *       ((1−m)² − (1−m))·s·BA = −m(1−m)·s·BA per application, i.e. it acts like a decay on the
 *       adapter's contribution. Kept behind a flag for comparison only.</li>
 * </ul>
 */
public enum MomentumUnloading {
    /** No partial unloading: the adapter is unloaded only, and completely, at stage ends. */
    OFF,
    FUNCTION_PRESERVING,
    SCALE_BOTH
}
