package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;

/**
 * A named tensor that a model owns. Names follow Hugging Face (for example
 * {@code model.layers.0.self_attn.q_proj.weight}) so checkpoints and gradients line up with
 * transformers. The gradient is allocated only for trainable parameters, so frozen weights
 * cost no gradient memory.
 */
public final class Parameter {
    private final String name;
    private Tensor value;
    private Tensor grad;
    private boolean trainable;

    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
        setTrainable(true);
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
            grad = Tensor.zeros(value.shape());
        } else if (!trainable) {
            grad = null;
        }
    }

    /** Replaces the value (same shape), e.g. when loading a checkpoint. */
    public void set(Tensor newValue) {
        if (!newValue.sameShape(value.shape())) {
            throw new IllegalArgumentException(name + ": shape " + java.util.Arrays.toString(newValue.shape())
                    + " does not match " + java.util.Arrays.toString(value.shape()));
        }
        System.arraycopy(newValue.data, 0, value.data, 0, value.data.length);
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
