package dev.lowrank4j.linalg;

/**
 * The top {@code rank} singular triplets of a {@code rows×cols} matrix A ≈ U·diag(s)·Vᵀ, with
 * singular values in descending order. Row-major: {@code u} is rows×rank, {@code vt} is
 * rank×cols.
 *
 * <p>Signs: every {@link TopSvd} of this package returns them in one convention — in each column
 * of U the entry of largest magnitude is positive (lowest row index on an exact tie), and the
 * matching row of Vᵀ carries the same flip. So different implementations give the same vectors,
 * not only the same subspaces, wherever the singular values are well separated and that largest
 * entry is not a near-tie. Where singular values coincide, only the subspace is defined.
 */
public record SingularTriplets(int rows, int cols, int rank, float[] u, double[] s, float[] vt) {
    public SingularTriplets {
        if (u.length != rows * rank || vt.length != rank * cols || s.length != rank) {
            throw new IllegalArgumentException("inconsistent triplet sizes for " + rows + "x" + cols + " rank " + rank);
        }
    }
}
