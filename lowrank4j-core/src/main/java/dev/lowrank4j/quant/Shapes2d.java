package dev.lowrank4j.quant;

import java.util.Arrays;

/** How a quantized tensor of any rank is viewed as a matrix, and the checks on its shape. */
public final class Shapes2d {
    /** Largest element count: dequantization must fit one Java float array. */
    private static final int MAX_NUMEL = Integer.MAX_VALUE - 8;

    private Shapes2d() {}

    /** Element count of a shape; throws if a dimension is negative or the product exceeds {@link #MAX_NUMEL}. */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
            if (n > MAX_NUMEL) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than "
                        + MAX_NUMEL + " elements");
            }
        }
        return (int) n;
    }

    /** Rows of the matrix view: shape[0], or 1 for a scalar or 1-D tensor. */
    public static int rows(int[] shape) {
        return shape.length < 2 ? 1 : shape[0];
    }

    /** Columns of the matrix view: the product of the remaining dimensions (all of them for 1-D). */
    public static int cols(int[] shape) {
        return numel(shape.length < 2 ? shape : Arrays.copyOfRange(shape, 1, shape.length));
    }
}
