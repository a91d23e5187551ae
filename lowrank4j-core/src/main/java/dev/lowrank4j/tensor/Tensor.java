package dev.lowrank4j.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor, row-major, backed by an on-heap array. Deliberately small: layers work
 * on the raw {@link #data} array with explicit offsets, which keeps hot loops free of abstraction.
 * Each tensor carries the {@link MemoryCategory} the ledger books it under ({@link
 * MemoryCategory#ACTIVATIONS} unless its owner says otherwise: parameters mark their values and
 * gradients, optimizers their states).
 */
public final class Tensor implements Accounted {
    public final float[] data;
    private final int[] shape;
    private MemoryCategory category = MemoryCategory.ACTIVATIONS;

    public Tensor(float[] data, int... shape) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
        this.data = data;
        this.shape = shape.clone();
    }

    public static Tensor zeros(int... shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large for one Java array: " + Arrays.toString(shape));
        }
        return new Tensor(new float[(int) n], shape);
    }

    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        return n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    @Override
    public long bytes() {
        return 4L * data.length;
    }

    @Override
    public MemoryCategory category() {
        return category;
    }

    /** Books this tensor under {@code c}; returns it, for use at creation. */
    public Tensor as(MemoryCategory c) {
        this.category = c;
        return this;
    }

    /** Same data, another shape with the same element count (and the same category). */
    public Tensor reshape(int... newShape) {
        return new Tensor(data, newShape).as(category);
    }

    public Tensor copy() {
        return new Tensor(data.clone(), shape).as(category);
    }

    public void zero() {
        Arrays.fill(data, 0f);
    }

    public void copyFrom(Tensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("shape mismatch " + Arrays.toString(shape) + " vs "
                    + Arrays.toString(other.shape));
        }
        System.arraycopy(other.data, 0, data, 0, data.length);
    }

    public boolean sameShape(int... other) {
        return Arrays.equals(shape, other);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
