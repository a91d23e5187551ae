package dev.lowrank4j.linalg;

import java.util.Arrays;

/**
 * The tests' reference: EJML's full thin SVD in double, truncated to the top r triplets, in the
 * package's sign convention. Independent of the Gram-matrix route the exact paths take, and
 * slow (it computes all min(rows, cols) triplets). Ignores the seed.
 */
final class FullSvdReference implements TopSvd {
    @Override
    public SingularTriplets top(float[] a, int rows, int cols, int rank, long seed, String name) {
        TopSvd.checkArguments(a, rows, cols, rank, name);
        double[] copy = new double[a.length];
        for (int i = 0; i < a.length; i++) copy[i] = a[i];
        DenseSvd svd = DenseSvd.of(copy, rows, cols, name);
        int k = svd.count();
        float[] u = new float[rows * rank];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rank; j++) u[i * rank + j] = (float) svd.u()[i * k + j];
        }
        float[] vt = new float[rank * cols];
        for (int j = 0; j < rank; j++) {
            for (int c = 0; c < cols; c++) vt[j * cols + c] = (float) svd.v()[c * k + j];
        }
        SignConvention.apply(u, rows, rank, vt, cols);
        return new SingularTriplets(rows, cols, rank, u, Arrays.copyOf(svd.s(), rank), vt);
    }

    @Override
    public String describe() {
        return "reference (EJML full SVD, double)";
    }
}
