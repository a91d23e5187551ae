package dev.lowrank4j.nn.storage;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.tensor.Tensor;

import java.util.Map;

/**
 * A stand-in for a packed storage, written only against the {@link WeightStorage} interface: W kept
 * as signed 8-bit codes times one scale, no float weight at all, dequantized on the fly. If LoRA,
 * PeriodicLoRA, LoLDU, the memory ledger and the model all work over this, a real NF4 or INT-b
 * storage needs nothing else.
 */
final class GridWeights implements WeightStorage {
    /** The packed codes as the ledger sees them. */
    record Codes(byte[] codes) implements Accounted {
        @Override
        public long bytes() {
            return codes.length;
        }

        @Override
        public MemoryCategory category() {
            return MemoryCategory.QUANTIZED_WEIGHTS;
        }
    }

    private final int out, in;
    private final Codes codes;
    private float scale;
    private double lastError;

    GridWeights(float[] w, int out, int in) {
        this.out = out;
        this.in = in;
        this.codes = new Codes(new byte[out * in]);
        assign(w);
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public void forward(float[] x, int n, float[] y) {
        float[] w = dequantize().data;
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int i = 0; i < in; i++) s += (double) x[r * in + i] * w[o * in + i];
                y[r * out + o] = (float) s;
            }
        }
    }

    @Override
    public void backwardInput(float[] dy, int n, float[] dx, boolean accumulate) {
        float[] w = dequantize().data;
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < in; i++) {
                double s = accumulate ? dx[r * in + i] : 0;
                for (int o = 0; o < out; o++) s += (double) dy[r * out + o] * w[o * in + i];
                dx[r * in + i] = (float) s;
            }
        }
    }

    @Override
    public Parameter parameter() {
        return null;
    }

    @Override
    public void addLowRank(float factor, float[] b, float[] a, int r) {
        float[] w = dequantize().data;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double s = 0;
                for (int k = 0; k < r; k++) s += (double) b[o * r + k] * a[k * in + i];
                w[o * in + i] += (float) (factor * s);
            }
        }
        assign(w);
    }

    @Override
    public Tensor dequantize() {
        float[] w = new float[out * in];
        for (int i = 0; i < w.length; i++) w[i] = codes.codes[i] * scale;
        return new Tensor(w, out, in);
    }

    @Override
    public void assign(float[] w) {
        float max = 0;
        for (float v : w) max = Math.max(max, Math.abs(v));
        scale = max == 0 ? 1 : max / 127f;
        lastError = 0;
        for (int i = 0; i < w.length; i++) {
            codes.codes[i] = (byte) Math.round(w[i] / scale);
            lastError = Math.max(lastError, Math.abs(codes.codes[i] * scale - w[i]));
        }
    }

    @Override
    public double lastRoundingError() {
        return lastError;
    }

    @Override
    public Map<String, ? extends Accounted> buffers() {
        return Map.of("weight", codes);
    }

    @Override
    public String kind() {
        return "int8-test-grid";
    }
}
