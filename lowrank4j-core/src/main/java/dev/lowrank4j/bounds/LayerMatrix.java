package dev.lowrank4j.bounds;

/**
 * One weight layer seen as a linear map R^cols → R^rows: a row-major [out, in] matrix, as a
 * dense layer stores it. {@code treatment} says how a non-dense layer became this matrix (for
 * a convolution: "conv patch matrix [out, in·k·k]"), empty for a plain dense layer.
 *
 * <p>{@code singularValues}, when not null, are the matrix's exact singular values (descending,
 * min(rows, cols) of them) known from its structure — for a low-rank W = U·S·Vᵀ with orthonormal
 * U, V: those of S, then zeros. The spectrum is then taken from them rather than from an SVD of
 * the formed float matrix, whose rounding (≈1e-7·σ_max) would make the zero singular values
 * look like tiny non-zero ones (a finite condition number, full numerical rank).
 */
public record LayerMatrix(String name, int rows, int cols, float[] data, String treatment, double[] singularValues) {
    public LayerMatrix {
        if (rows < 1 || cols < 1 || data.length != (long) rows * cols) {
            throw new IllegalArgumentException(name + ": " + data.length + " values for a " + rows + "x" + cols + " matrix");
        }
        if (singularValues != null && singularValues.length != Math.min(rows, cols)) {
            throw new IllegalArgumentException(name + ": " + singularValues.length + " singular values for a " + rows + "x" + cols + " matrix");
        }
    }

    public LayerMatrix(String name, int rows, int cols, float[] data, String treatment) {
        this(name, rows, cols, data, treatment, null);
    }

    public static LayerMatrix dense(String name, int rows, int cols, float[] data) {
        return new LayerMatrix(name, rows, cols, data, "");
    }
}
