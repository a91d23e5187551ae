package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Anything that can stand where a linear layer stands: the plain {@link Linear} and every adapter
 * (LoRA and friends). Models hold their projections through this interface so a method can swap
 * one in by module path.
 *
 * <p>Contract shared by all implementations:
 * <ul>
 *   <li>{@code forward(x)} takes [N, in] and returns [N, out]. The returned tensor belongs to the
 *       layer and stays valid until the layer's next {@code forward}; the layer may keep a
 *       reference to {@code x}, so the caller must not modify x before {@code backward}.</li>
 *   <li>{@code backward(dy)} takes [N, out] for the most recent forward, ADDS the parameter
 *       gradients into {@link Parameter#grad()} of trainable parameters (frozen ones get
 *       nothing), and returns dx [N, in], which belongs to the layer and stays valid until its
 *       next {@code backward}.</li>
 * </ul>
 */
public interface LinearLayer {
    Tensor forward(Tensor x);

    Tensor backward(Tensor dy);

    /**
     * As {@link #backward} without dx, for a network's first layer, whose input is data that
     * needs no gradient (PyTorch skips it the same way). The default computes dx and drops it;
     * layers whose dx is a product of their own skip that product.
     */
    default void backwardParametersOnly(Tensor dy) {
        backward(dy);
    }

    /** Every parameter this layer owns, trainable or frozen, in a stable order. */
    List<Parameter> parameters();

    int inFeatures();

    int outFeatures();

    /**
     * Tensors the layer holds that are not float parameters (a packed weight and its scales), by
     * name relative to the layer's module path ({@code weight}, {@code weight.absmax}, ...): saved
     * with checkpoints and counted by the memory ledger. Plain float layers have none.
     */
    default Map<String, ? extends Accounted> buffers() {
        return Map.of();
    }

    /** Bytes this layer keeps alive between forward and backward, and its input-gradient buffer (for the memory ledger). */
    default long activationBytes() {
        return 0;
    }
}
