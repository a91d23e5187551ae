package dev.lowrank4j.quant;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.kernels.QuantizedGemm;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.storage.WeightStorage;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.tensor.Tensor;

import java.util.Map;

/**
 * A linear layer's weight held packed (NF4, INT4, INT8: any {@link QuantizedTensor}) and used in
 * place: the fused kernels dequantize inside the GEMM, so no float32 copy of W ever exists during
 * forward or backward. There is no weight gradient (a packed weight does not train); LoRA and the
 * other adapters wrap a {@link dev.lowrank4j.nn.Linear} over this storage exactly as over a dense
 * one. Merging an update into it dequantizes, adds and re-encodes, which rounds to the grid:
 * {@link #lastRoundingError()} says by how much.
 */
public final class PackedWeights implements WeightStorage {
    /** The packed tensor as the memory ledger books it. */
    public record Packed(QuantizedTensor tensor) implements Accounted {
        @Override
        public long bytes() {
            return tensor.bytes();
        }

        @Override
        public MemoryCategory category() {
            return MemoryCategory.QUANTIZED_WEIGHTS;
        }
    }

    private QuantizedTensor weight;
    private double lastError;

    public PackedWeights(QuantizedTensor weight) {
        if (weight.shape().length != 2) throw new IllegalArgumentException("a linear weight must be [out, in]");
        this.weight = weight;
    }

    public QuantizedTensor tensor() {
        return weight;
    }

    @Override
    public int outFeatures() {
        return weight.rows();
    }

    @Override
    public int inFeatures() {
        return weight.cols();
    }

    @Override
    public void forward(float[] x, int n, float[] y) {
        QuantizedGemm.forward(n, x, 0, weight, 0f, y, 0);
    }

    @Override
    public void backwardInput(float[] dy, int n, float[] dx, boolean accumulate) {
        QuantizedGemm.inputGradient(n, dy, 0, weight, accumulate ? 1f : 0f, dx, 0);
    }

    @Override
    public Parameter parameter() {
        return null;
    }

    @Override
    public void addLowRank(float factor, float[] b, float[] a, int r) {
        float[] w = weight.dequantize();
        int out = outFeatures(), in = inFeatures();
        Gemm.sgemm(false, false, out, in, r, factor, b, 0, r, a, 0, in, 1f, w, 0, in);
        assign(w);
    }

    @Override
    public Tensor dequantize() {
        return new Tensor(weight.dequantize(), outFeatures(), inFeatures());
    }

    @Override
    public void assign(float[] w) {
        QuantizedTensor next = weight.requantize(w);
        float[] back = next.dequantize();
        double worst = 0;
        for (int i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(back[i] - w[i]));
        weight = next;
        lastError = worst;
    }

    @Override
    public double lastRoundingError() {
        return lastError;
    }

    @Override
    public Map<String, ? extends Accounted> buffers() {
        return Map.of("weight", new Packed(weight));
    }

    @Override
    public String kind() {
        return weight.format();
    }
}
