package dev.lowrank4j.bounds;

import java.util.List;

/**
 * A network as the bounds see it: its weight layers as matrices, in forward order. A loader for
 * a new checkpoint format (for example low-rank U·S·Vᵀ layers) only has to produce these.
 *
 * <p>{@code feedForwardChain} is true when the layers are composed one after the other with
 * activations in between (an MLP; a CNN whose convolutions are taken as patch matrices), so the
 * products over layers that the bounds take are meaningful. For a transformer (residuals,
 * attention, norms) the per-layer quantities are still right, but the totals are not bounds of
 * that network: they are reported with that caveat.
 */
public record MatrixLayers(String description, boolean feedForwardChain, List<LayerMatrix> matrices) {
    public MatrixLayers {
        if (matrices.isEmpty()) throw new IllegalArgumentException(description + ": no weight matrices");
        matrices = List.copyOf(matrices);
    }
}
