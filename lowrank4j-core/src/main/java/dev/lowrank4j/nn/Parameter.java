package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.tensor.Tensor;

import java.util.Arrays;

/**
 * A named float tensor that a model owns. Names follow Hugging Face (for example
 * {@code model.layers.0.self_attn.q_proj.weight}) so checkpoints and gradients line up with
 * transformers. The gradient is allocated only for trainable parameters, so frozen weights
 * cost no gradient memory. The value is booked as {@link MemoryCategory#WEIGHTS} and the gradient
 * as {@link MemoryCategory#GRADIENTS}.
 *
 * <p>A parameter keeps its identity when its shape changes ({@link #replace}): rank-adaptive
 * layers grow and shrink their factors between steps, and optimizers key their state by the
 * parameter object, re-creating it when the size no longer fits.
 */
public final class Parameter {
    private final String name;
    private Tensor value;
    private Tensor grad;
    private boolean trainable;

    public Parameter(String name, Tensor value) {
        this(name, value, true);
    }

    private Parameter(String name, Tensor value, boolean trainable) {
        this.name = name;
        this.value = value.as(MemoryCategory.WEIGHTS);
        setTrainable(trainable);
    }

    /**
     * A parameter that starts frozen: no gradient is allocated until it is unfrozen (not even a
     * transient one, which matters for the layer-sized float copies a LoQT merge makes).
     */
    public static Parameter frozen(String name, Tensor value) {
        return new Parameter(name, value, false);
    }

    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public float[] data() {
        return value.data;
    }

    public int[] shape() {
        return value.shape();
    }

    /** The gradient buffer, or null when the parameter is frozen. */
    public Tensor grad() {
        return grad;
    }

    public boolean trainable() {
        return trainable;
    }

    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
        if (trainable && grad == null) {
            grad = Tensor.zeros(value.shape()).as(MemoryCategory.GRADIENTS);
        } else if (!trainable) {
            grad = null;
        }
    }

    /** Copies {@code newValue} (same shape) into the value, e.g. when loading a checkpoint. */
    public void set(Tensor newValue) {
        if (!newValue.sameShape(value.shape())) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(newValue.shape())
                    + " does not match " + Arrays.toString(value.shape()));
        }
        System.arraycopy(newValue.data, 0, value.data, 0, value.data.length);
    }

    /**
     * Makes {@code newValue} the value, whatever its shape; a trainable parameter gets a fresh zero
     * gradient of the new shape. Anything holding the old value array must fetch it again.
     */
    public void replace(Tensor newValue) {
        this.value = newValue.as(MemoryCategory.WEIGHTS);
        if (trainable) grad = Tensor.zeros(newValue.shape()).as(MemoryCategory.GRADIENTS);
    }

    public void zeroGrad() {
        if (grad != null) grad.zero();
    }

    public int numel() {
        return value.size();
    }

    @Override
    public String toString() {
        return name + value;
    }
}
