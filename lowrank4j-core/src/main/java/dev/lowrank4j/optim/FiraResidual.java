package dev.lowrank4j.optim;

/**
 * Fira's correction for one projected weight: the residual of the gradient outside the subspace,
 * rescaled by the norm ratio φ = ‖N‖/‖R‖ that Adam applied inside it, then capped by the
 * norm-growth limiter ‖S_t‖ ≤ γ‖S_{t−1}‖. The previous norm is this object's only state.
 */
final class FiraResidual {
    /** The reference adds 1e-8 to both denominators (φ's and the limiter's). */
    static final double NORM_EPS = 1e-8;

    private final FiraOptions options;
    /** ‖S_{t−1}‖ after limiting, as the reference stores it; NaN before the first step. */
    private float previousNorm = Float.NaN;

    FiraResidual(FiraOptions options) {
        this.options = options;
    }

    /**
     * Adds the residual term to {@code update} (rows×cols, already holding α·back(dir)).
     * {@code scratch} is rows×cols working space.
     */
    void addTo(float[] update, float[] grad, float[] low, float[] dir, GaLoreProjector projector, float[] scratch) {
        boolean paper = options.form() == FiraOptions.Form.PAPER;
        projector.projectBack(low, scratch, paper ? 1f : projector.scale());
        int n = projector.rows() * projector.cols();
        for (int i = 0; i < n; i++) scratch[i] = grad[i] - scratch[i];
        scale(scratch, low, dir, projector);
        if (options.limiter()) limit(scratch, n);
        float weight = paper ? projector.scale() : 1f;
        for (int i = 0; i < n; i++) update[i] += weight * scratch[i];
    }

    private void scale(float[] residual, float[] low, float[] dir, GaLoreProjector p) {
        int rows = p.rows(), cols = p.cols();
        if (options.scaling() == FiraOptions.Scaling.MATRIX) {
            float phi = (float) (norm(dir) / (norm(low) + NORM_EPS));
            for (int i = 0; i < rows * cols; i++) residual[i] *= phi;
            return;
        }
        float[] phi = columnFactors(low, dir, p.side(), p.projectedShape());
        boolean perColumn = p.side() == ProjectionSide.LEFT;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) residual[i * cols + j] *= phi[perColumn ? j : i];
        }
    }

    /**
     * φ over the non-projected dimension: for a left projection (R is r×cols) one factor per
     * column, ‖N[:,j]‖/(‖R[:,j]‖+1e-8); for a right projection (R is rows×r) one per row.
     */
    static float[] columnFactors(float[] low, float[] dir, ProjectionSide side, int[] lowShape) {
        if (side == ProjectionSide.BOTH) {
            throw new IllegalArgumentException("column-wise Fira scaling is undefined for a two-sided projection");
        }
        int lr = lowShape[0], lc = lowShape[1];
        boolean perColumn = side == ProjectionSide.LEFT;
        int count = perColumn ? lc : lr, length = perColumn ? lr : lc;
        float[] phi = new float[count];
        for (int f = 0; f < count; f++) {
            double nn = 0, rr = 0;
            for (int e = 0; e < length; e++) {
                int idx = perColumn ? e * lc + f : f * lc + e;
                nn += (double) dir[idx] * dir[idx];
                rr += (double) low[idx] * low[idx];
            }
            phi[f] = (float) (Math.sqrt(nn) / (Math.sqrt(rr) + NORM_EPS));
        }
        return phi;
    }

    /** Divides the residual by max(‖S‖/(prev+1e-8), γ)/γ and remembers the limited norm. */
    void limit(float[] residual, int n) {
        double s = norm(residual, n);
        if (Float.isNaN(previousNorm)) {
            previousNorm = (float) s;
            return;
        }
        double gamma = options.gamma();
        double limiter = Math.max(s / (previousNorm + NORM_EPS), gamma) / gamma;
        float divisor = (float) limiter;
        for (int i = 0; i < n; i++) residual[i] /= divisor;
        previousNorm = (float) (s / limiter);
    }

    private static double norm(float[] a) {
        return norm(a, a.length);
    }

    private static double norm(float[] a, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += (double) a[i] * a[i];
        return Math.sqrt(sum);
    }

    boolean hasPreviousNorm() {
        return !Float.isNaN(previousNorm);
    }

    float previousNorm() {
        return previousNorm;
    }

    void restorePreviousNorm(float value) {
        previousNorm = value;
    }
}
