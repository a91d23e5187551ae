package dev.lowrank4j.nn.storage;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.Map;

/**
 * How a linear layer holds its weight W [out, in] (PyTorch layout) and multiplies by it. Dense
 * float32 ({@link DenseWeights}) is one storage; packed low-bit grids (NF4, INT-b) are others. A
 * {@link dev.lowrank4j.nn.Linear} and every adapter above it talk to W only through this
 * interface, so an adapter written once works over any storage (LoRA over NF4 is QLoRA) and a
 * quantized weight never has to exist as float32 in memory.
 *
 * <p>Rows of {@code x}, {@code y}, {@code dy} and {@code dx} are examples (row-major).
 */
public interface WeightStorage {
    int outFeatures();

    int inFeatures();

    /** y [n, out] = x [n, in] · Wᵀ (y is overwritten). */
    void forward(float[] x, int n, float[] y);

    /** dx [n, in] = dy [n, out] · W, added to dx when {@code accumulate}, else overwriting it. */
    void backwardInput(float[] dy, int n, float[] dx, boolean accumulate);

    /** The float parameter behind W, or null when the storage is not a float tensor (packed grids). */
    Parameter parameter();

    /** dW += dyᵀ·x when W is a trainable parameter; storages that cannot train ignore it. */
    default void accumulateWeightGradient(float[] dy, float[] x, int n) {}

    /** W += factor · B·A with B [out, r] and A [r, in]: merging or unloading a low-rank update. */
    void addLowRank(float factor, float[] b, float[] a, int r);

    /** W as float32 (a copy for packed storages, which {@link #assign} takes back). */
    Tensor dequantize();

    /** Replaces W by {@code w} [out·in], re-encoding it for packed storages. */
    void assign(float[] w);

    /**
     * Largest |W_stored − W_requested| an {@link #assign} or {@link #addLowRank} can leave: 0 for
     * dense storage, the grid's rounding for packed ones (what merging into a 4-bit base costs).
     */
    default double lastRoundingError() {
        return 0;
    }

    /**
     * Named tensors the storage holds beyond {@link #parameter()} (packed codes, scales), under
     * suffixes of the layer's module path such as {@code weight} or {@code weight.absmax}; they are
     * what the memory ledger counts. Dense storage has none.
     */
    default Map<String, ? extends Accounted> buffers() {
        return Map.of();
    }

    /** A short description for messages and {@code toString}, e.g. "fp32" or "nf4". */
    String kind();
}
