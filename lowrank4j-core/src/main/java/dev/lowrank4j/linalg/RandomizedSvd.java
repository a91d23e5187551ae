package dev.lowrank4j.linalg;

import dev.lowrank4j.kernels.Gemm;

/**
 * Top-r SVD by a randomized range finder (Halko, Martinsson, Tropp 2011, Alg. 4.4 + 5.1):
 * Y = A·Ω with a Gaussian Ω of k = r + oversampling columns, a few power iterations
 * (A·Aᵀ)^q·Y with re-orthonormalisation after every product (in float the powers would
 * otherwise collapse onto the top singular vector), Q = orth(Y), then the exact SVD of the small
 * projection B = Qᵀ·A. B's SVD goes through a QR of Bᵀ (n×k) so EJML only sees a k×k matrix.
 * The large products run on {@link Gemm}; QR and the k×k SVD run in double.
 */
final class RandomizedSvd implements TopSvd {
    static final int DEFAULT_OVERSAMPLING = 8;
    static final int DEFAULT_POWER_ITERATIONS = 1;

    private final int oversampling, powerIterations;

    RandomizedSvd(int oversampling, int powerIterations) {
        if (oversampling < 0 || powerIterations < 0) {
            throw new IllegalArgumentException("oversampling and power iterations must be >= 0, got "
                    + oversampling + " and " + powerIterations);
        }
        this.oversampling = oversampling;
        this.powerIterations = powerIterations;
    }

    @Override
    public SingularTriplets top(float[] a, int m, int n, int rank, long seed, String name) {
        TopSvd.checkArguments(a, m, n, rank, name);
        int k = Math.min(rank + oversampling, Math.min(m, n));
        float[] omega = GaussianMatrix.sample(n * k, seed);
        float[] y = new float[m * k], z = new float[n * k];
        Gemm.sgemm(false, false, m, k, n, 1f, a, 0, n, omega, 0, k, 0f, y, 0, k);
        float[] q = ThinQr.orthonormalBasis(y, m, k);
        for (int it = 0; it < powerIterations; it++) {
            Gemm.sgemm(true, false, n, k, m, 1f, a, 0, n, q, 0, k, 0f, z, 0, k);
            float[] zq = ThinQr.orthonormalBasis(z, n, k);
            Gemm.sgemm(false, false, m, k, n, 1f, a, 0, n, zq, 0, k, 0f, y, 0, k);
            q = ThinQr.orthonormalBasis(y, m, k);
        }
        // Bᵀ = Aᵀ·Q = Q₂·R₂, so B = R₂ᵀ·Q₂ᵀ and the SVD of the k×k R₂ᵀ gives B's.
        Gemm.sgemm(true, false, n, k, m, 1f, a, 0, n, q, 0, k, 0f, z, 0, k);
        ThinQr bt = ThinQr.factor(z, n, k);
        DenseSvd small = DenseSvd.of(transpose(bt.r(), k), k, k, name);

        float[] smallU = leadingColumns(small.u(), k, rank), smallV = leadingColumns(small.v(), k, rank);
        float[] u = new float[m * rank], vt = new float[rank * n];
        Gemm.sgemm(false, false, m, rank, k, 1f, q, 0, k, smallU, 0, rank, 0f, u, 0, rank);
        Gemm.sgemm(true, true, rank, n, k, 1f, smallV, 0, rank, bt.q(), 0, k, 0f, vt, 0, n);
        SignConvention.apply(u, m, rank, vt, n);
        return new SingularTriplets(m, n, rank, u, java.util.Arrays.copyOf(small.s(), rank), vt);
    }

    @Override
    public String describe() {
        return "randomized (oversampling " + oversampling + ", power iterations " + powerIterations + ")";
    }

    private static double[] transpose(double[] square, int k) {
        double[] t = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) t[j * k + i] = square[i * k + j];
        }
        return t;
    }

    /** The first cols columns of a row-major k×k double matrix, as a k×cols float matrix. */
    private static float[] leadingColumns(double[] square, int k, int cols) {
        float[] out = new float[k * cols];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < cols; j++) out[i * cols + j] = (float) square[i * k + j];
        }
        return out;
    }
}
