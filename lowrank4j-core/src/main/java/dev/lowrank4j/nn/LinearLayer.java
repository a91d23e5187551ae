package dev.lowrank4j.nn;

import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

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
     * name relative to the layer's module path ({@code weight}, {@code weight.absmax}, ...): what
     * the memory ledger counts. Plain float layers have none.
     */
    default Map<String, ? extends Accounted> buffers() {
        return Map.of();
    }

    /**
     * Packed tensors a training checkpoint must hold beside the float parameters, because the
     * layer changes them while it trains and nothing else can rebuild them (LoQT re-quantizes W
     * and P at every merge), by name relative to the module path. A packed base that never
     * changes (QLoRA's, re-encoded from the source model on every start) is not state: none here.
     */
    default Map<String, Nf4Tensor> packedState() {
        return Map.of();
    }

    /**
     * Takes back what {@link #packedState} saved, into a freshly built layer, before the float
     * parameters load: the layer rebuilds whatever its saved state implies, so that its
     * {@link #parameters()} then match the checkpoint's float tensors (LoQT's P is a parameter
     * only after the first merge). Names are relative to the module path; anything that does not
     * fit the layer is a one-line {@link dev.lowrank4j.Lowrank4jException}. A packed tensor the
     * layer leaves out of its {@link #packedState} afterwards is refused by the model
     * ({@link ModuleHost#restorePackedState}), so layers without packed state need nothing here.
     *
     * @param packed     the checkpoint's packed tensors under this layer
     * @param floatNames the names of its float tensors under this layer
     */
    default void restorePackedState(Map<String, Nf4Tensor> packed, Set<String> floatNames) {}

    /** Bytes this layer keeps alive between forward and backward, and its input-gradient buffer (for the memory ledger). */
    default long activationBytes() {
        return 0;
    }
}
