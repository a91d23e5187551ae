package dev.lowrank4j.optim;

/**
 * Where the orthonormal basis multiplies the gradient G (rows×cols): LEFT gives R = Pᵀ·G
 * (r×cols), RIGHT gives R = G·Qᵀ (rows×r), BOTH gives R = Pᵀ·G·Qᵀ (r×r).
 */
public enum ProjectionSide {
    LEFT, RIGHT, BOTH;

    /** The shape of the projected gradient R. */
    public int[] projectedShape(int rows, int cols, int rank) {
        return switch (this) {
            case LEFT -> new int[] {rank, cols};
            case RIGHT -> new int[] {rows, rank};
            case BOTH -> new int[] {rank, rank};
        };
    }
}
