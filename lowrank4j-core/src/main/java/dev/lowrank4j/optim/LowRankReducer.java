package dev.lowrank4j.optim;

import java.util.List;

/**
 * Averages GaLore's projected gradients R = project(G) over data-parallel replicas, in place, all
 * of a step's matrices in one call. Exact by linearity: the mean of PᵀGᵢ is Pᵀ(mean Gᵢ) when every
 * replica holds the same P, which it does because P is refreshed from the averaged full gradient.
 */
@FunctionalInterface
public interface LowRankReducer {
    void meanInPlace(List<float[]> projectedGradients);
}
