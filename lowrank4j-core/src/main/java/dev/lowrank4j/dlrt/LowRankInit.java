package dev.lowrank4j.dlrt;

import dev.lowrank4j.linalg.DenseSvd;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

import java.util.Arrays;

/**
 * Where the factors of a low-rank layer start (ALGORITHMS.md §6(b)); the two code bases differ.
 * {@link Kind#SVD_OF_DEFAULT} (ScSteffen/DLRT): the layer's full weight as PyTorch initialises it
 * (kaiming_uniform, a = √5, which the models already do) truncated to the starting rank by its
 * SVD. {@link Kind#RANDOM_ORTHONORMAL} (COMPiLELab/DLRT-Net): U and V orthonormalised from
 * Gaussian matrices, S diagonal with the singular values of a random Gaussian diagonal, i.e. the
 * |N(0, 1)| draws in descending order.
 */
public final class LowRankInit {
    public enum Kind { SVD_OF_DEFAULT, RANDOM_ORTHONORMAL }

    private LowRankInit() {}

    /** Factors {U [m, r], S [r, r], V [n, r]} for an m×n layer whose default weight is {@code dense} (row-major). */
    public static Tensor[] factors(Kind kind, float[] dense, int m, int n, int r, long seed, String name) {
        return kind == Kind.SVD_OF_DEFAULT ? truncatedSvd(dense, m, n, r, name) : randomOrthonormal(m, n, r, seed, name);
    }

    static Tensor[] truncatedSvd(float[] dense, int m, int n, int r, String name) {
        DenseSvd svd = DenseSvd.of(Mat.toDouble(dense), m, n, name);
        int k = svd.count();
        return new Tensor[] {new Tensor(Mat.leadingColumns(svd.u(), m, k, r), m, r),
                new Tensor(Mat.diagonal(svd.s(), r), r, r), new Tensor(Mat.leadingColumns(svd.v(), n, k, r), n, r)};
    }

    static Tensor[] randomOrthonormal(int m, int n, int r, long seed, String name) {
        Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + name.hashCode()); // as the models' init: (seed, name) only
        float[] u = Mat.orthonormal(gaussian(rng, m * r), m, r), v = Mat.orthonormal(gaussian(rng, n * r), n, r);
        double[] s = new double[r];
        for (int i = 0; i < r; i++) s[i] = Math.abs(rng.nextGaussian());
        Arrays.sort(s);
        for (int i = 0; i < r / 2; i++) { double t = s[i]; s[i] = s[r - 1 - i]; s[r - 1 - i] = t; } // descending
        return new Tensor[] {new Tensor(u, m, r), new Tensor(Mat.diagonal(s, r), r, r), new Tensor(v, n, r)};
    }

    private static float[] gaussian(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }
}
