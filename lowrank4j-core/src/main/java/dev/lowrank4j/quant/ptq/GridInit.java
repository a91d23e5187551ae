package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.tensor.Tensor;

/**
 * How the starting grid (s1, z) of a weight is chosen; the authors' {@code clipping} flag. Their
 * scripts use both: LRQ W4A16 on Llama-2-7B starts from min/max, W3A16 and W4A8 from the search
 * (ALGORITHMS §5(e)).
 */
public enum GridInit {
    /** Per-row min/max widened to include 0 ({@code clipping=False}). */
    MIN_MAX,
    /** The per-row search minimising the L2.4 rounding error ({@code clipping=True}); {@link LpGridSearch}. */
    LP_SEARCH;

    public QuantGrid grid(String name, Tensor w, int bits) {
        return switch (this) {
            case MIN_MAX -> QuantGrid.minMax(name, w, bits);
            case LP_SEARCH -> LpGridSearch.search(name, w, bits);
        };
    }
}
