package dev.lowrank4j.bounds;

/**
 * One weight layer seen as a linear map R^cols → R^rows: a row-major [out, in] matrix, as a
 * dense layer stores it. {@code treatment} says how a non-dense layer became this matrix (for
 * a convolution: "conv patch matrix [out, in·k·k]"), empty for a plain dense layer.
 */
public record LayerMatrix(String name, int rows, int cols, float[] data, String treatment) {
    public LayerMatrix {
        if (rows < 1 || cols < 1 || data.length != (long) rows * cols) {
            throw new IllegalArgumentException(name + ": " + data.length + " values for a " + rows + "x" + cols + " matrix");
        }
    }

    public static LayerMatrix dense(String name, int rows, int cols, float[] data) {
        return new LayerMatrix(name, rows, cols, data, "");
    }
}
