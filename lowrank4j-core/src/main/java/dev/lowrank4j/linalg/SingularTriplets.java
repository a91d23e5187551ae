package dev.lowrank4j.linalg;

/**
 * The top {@code rank} singular triplets of a {@code rows×cols} matrix A ≈ U·diag(s)·Vᵀ, with
 * singular values in descending order. Row-major: {@code u} is rows×rank, {@code vt} is
 * rank×cols. Signs are arbitrary (compare subspaces, never vectors).
 */
public record SingularTriplets(int rows, int cols, int rank, float[] u, double[] s, float[] vt) {
    public SingularTriplets {
        if (u.length != rows * rank || vt.length != rank * cols || s.length != rank) {
            throw new IllegalArgumentException("inconsistent triplet sizes for " + rows + "x" + cols + " rank " + rank);
        }
    }
}
