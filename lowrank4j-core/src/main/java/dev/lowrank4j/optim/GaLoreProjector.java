package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.linalg.MatrixChecks;
import dev.lowrank4j.linalg.SingularTriplets;
import dev.lowrank4j.linalg.TopSvd;

/**
 * GaLore's gradient projector for one rows×cols weight (jiaweizzhao/GaLore
 * {@code galore_projector.py}): P = U[:, :r] (rows×r) and/or Q = Vh[:r, :] (r×cols) from the SVD
 * of the gradient, recomputed at iterations 0, T, 2T, …; {@code projectBack} multiplies by the
 * scale α as the reference does. The matrices are kept explicitly so a checkpoint can store them.
 * Their signs follow the {@link SingularTriplets} convention: the Adam moments carried across a
 * refresh are not sign-invariant, so the trajectory must not depend on the SVD library.
 */
public final class GaLoreProjector {
    private final String name;
    private final int rows, cols, rank;
    private final long updateGap;
    private final float scale;
    private final ProjectionSide side;
    private final TopSvd svd;
    /** P, rows×r (null until the first refresh, or when the side does not use it). */
    private float[] left;
    /** Q, r×cols. */
    private float[] right;

    public GaLoreProjector(String name, int rows, int cols, int rank, long updateGap, double scale,
                           ProjectionType type, TopSvd svd) {
        MatrixChecks.requireRank(rank, rows, cols, name);
        if (updateGap <= 0) {
            throw new Lowrank4jException("the GaLore update gap T must be positive, got " + updateGap + " (for " + name + ")");
        }
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.rank = rank;
        this.updateGap = updateGap;
        this.scale = (float) scale;
        this.side = type.sideFor(rows, cols);
        this.svd = svd;
    }

    public String name() {
        return name;
    }

    public ProjectionSide side() {
        return side;
    }

    public int rank() {
        return rank;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public float scale() {
        return scale;
    }

    /** Shape of R = project(G). */
    public int[] projectedShape() {
        return side.projectedShape(rows, cols, rank);
    }

    public int projectedSize() {
        int[] s = projectedShape();
        return s[0] * s[1];
    }

    /** The reference refreshes when it has no basis yet or when iteration % T == 0. */
    public boolean needsRefresh(long iteration) {
        return !hasBasis() || iteration % updateGap == 0;
    }

    public boolean hasBasis() {
        return side == ProjectionSide.RIGHT ? right != null : left != null;
    }

    /** Recomputes the basis from the gradient (rows×cols, row-major). */
    public void refresh(float[] grad, long seed) {
        SingularTriplets t = svd.top(grad, rows, cols, rank, seed, name + " gradient");
        left = side == ProjectionSide.RIGHT ? null : t.u();
        right = side == ProjectionSide.LEFT ? null : t.vt();
    }

    /** The reference's {@code project(grad, iter)}: refresh when due, then project. */
    public float[] project(float[] grad, long iteration, long seed) {
        if (needsRefresh(iteration)) refresh(grad, seed);
        return project(grad);
    }

    /** R = Pᵀ·G, G·Qᵀ or Pᵀ·G·Qᵀ with the current basis. */
    public float[] project(float[] grad) {
        requireBasis();
        float[] out = new float[projectedSize()];
        switch (side) {
            case LEFT -> Gemm.sgemm(true, false, rank, cols, rows, 1f, left, 0, rank, grad, 0, cols, 0f, out, 0, cols);
            case RIGHT -> Gemm.sgemm(false, true, rows, rank, cols, 1f, grad, 0, cols, right, 0, cols, 0f, out, 0, rank);
            case BOTH -> {
                float[] pg = new float[rank * cols];
                Gemm.sgemm(true, false, rank, cols, rows, 1f, left, 0, rank, grad, 0, cols, 0f, pg, 0, cols);
                Gemm.sgemm(false, true, rank, rank, cols, 1f, pg, 0, cols, right, 0, cols, 0f, out, 0, rank);
            }
        }
        return out;
    }

    /** out (rows×cols) = α · (P·low, low·Q or P·low·Q): the reference's {@code project_back}. */
    public void projectBack(float[] low, float[] out) {
        projectBack(low, out, scale);
    }

    /** Like {@link #projectBack(float[], float[])} with another factor (Fira's paper form needs α = 1). */
    public void projectBack(float[] low, float[] out, float factor) {
        requireBasis();
        switch (side) {
            case LEFT -> Gemm.sgemm(false, false, rows, cols, rank, factor, left, 0, rank, low, 0, cols, 0f, out, 0, cols);
            case RIGHT -> Gemm.sgemm(false, false, rows, cols, rank, factor, low, 0, rank, right, 0, cols, 0f, out, 0, cols);
            case BOTH -> {
                float[] pl = new float[rows * rank];
                Gemm.sgemm(false, false, rows, rank, rank, 1f, left, 0, rank, low, 0, rank, 0f, pl, 0, rank);
                Gemm.sgemm(false, false, rows, cols, rank, factor, pl, 0, rank, right, 0, cols, 0f, out, 0, cols);
            }
        }
    }

    private void requireBasis() {
        if (!hasBasis()) throw new IllegalStateException(name + ": projector used before its first refresh");
    }

    /** P (rows×r), or null when not used or not computed yet. A live view. */
    public float[] left() {
        return left;
    }

    /** Q (r×cols), or null when not used or not computed yet. A live view. */
    public float[] right() {
        return right;
    }

    public boolean usesLeft() {
        return side != ProjectionSide.RIGHT;
    }

    public boolean usesRight() {
        return side != ProjectionSide.LEFT;
    }

    /** Restores a saved basis (arrays are copied; each must be present exactly when the side uses it). */
    public void restore(float[] savedLeft, float[] savedRight) {
        left = usesLeft() ? checkedCopy(savedLeft, rows * rank, "left") : null;
        right = usesRight() ? checkedCopy(savedRight, rank * cols, "right") : null;
    }

    private float[] checkedCopy(float[] saved, int size, String which) {
        if (saved == null || saved.length != size) {
            throw new Lowrank4jException(name + ": saved " + which + " projection has "
                    + (saved == null ? "no" : saved.length) + " values, expected " + size);
        }
        return saved.clone();
    }

    /** Elements the basis occupies once computed (the memory formula's s·r, or both sides for FULL). */
    public long basisElements() {
        return (usesLeft() ? (long) rows * rank : 0) + (usesRight() ? (long) rank * cols : 0);
    }
}
