package dev.lowrank4j.quant.act;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A linear layer whose input (and, for the K and V projections of W4A8KV8, output) is rounded to a
 * b-bit grid before it is used: the simulated activation quantization of the authors' evaluation
 * ({@code SwapLinear}). The weight itself stays whatever the wrapped layer holds (packed integers).
 *
 * <p>Per-tensor static ranges are learned by {@link #observe observing} calibration inputs (running
 * min and max), then {@link #freeze frozen}. Backward is straight-through (the rounding passes
 * the gradient unchanged), which is only there so a quantized model can still be differentiated.
 */
public final class ActivationQuantizedLinear implements LinearLayer {
    private final LinearLayer inner;
    private final ActivationMode mode;
    private final int bits;
    private final int outputBits;
    private boolean observing;
    private float observedMin = 0f, observedMax = 0f;
    private float staticScale = Float.NaN;
    private int staticZero;
    private Tensor quantizedInput;
    private Tensor quantizedOutput;

    /**
     * @param outputBits 0 for a float output, else per-token quantization of the output (K/V cache)
     */
    public ActivationQuantizedLinear(LinearLayer inner, ActivationMode mode, int bits, int outputBits) {
        if (mode != ActivationMode.NONE && (bits < 2 || bits > 8)) {
            throw new Lowrank4jException("activation bits must be between 2 and 8, got " + bits);
        }
        this.inner = inner;
        this.mode = mode;
        this.bits = bits;
        this.outputBits = outputBits;
    }

    public LinearLayer inner() {
        return inner;
    }

    public ActivationMode mode() {
        return mode;
    }

    /** Start (true) or stop recording the range of the inputs; the grid is fixed by {@link #freeze}. */
    public void observe(boolean on) {
        observing = on;
    }

    /** Fixes the per-tensor grid from what was observed. */
    public void freeze() {
        staticScale = AsymmetricGrid.scale(observedMin, observedMax, bits);
        staticZero = AsymmetricGrid.zero(observedMin, staticScale, bits);
    }

    /** Sets a saved per-tensor grid. */
    public void setStatic(float scale, int zero) {
        if (!(scale > 0) || zero < 0 || zero > (1 << bits) - 1) {
            throw new Lowrank4jException("activation grid scale " + scale + " / zero point " + zero + " does not fit "
                    + bits + " bits");
        }
        staticScale = scale;
        staticZero = zero;
    }

    public float staticScale() {
        return staticScale;
    }

    public int staticZero() {
        return staticZero;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor in = x;
        if (mode == ActivationMode.PER_TOKEN_DYNAMIC) {
            quantizedInput = Buffers.matrix(quantizedInput, x.dim(0), x.dim(1));
            AsymmetricGrid.perRow(x.data, quantizedInput.data, x.dim(0), x.dim(1), bits);
            in = quantizedInput;
        } else if (mode == ActivationMode.PER_TENSOR_STATIC) {
            if (observing) {
                for (float v : x.data) {
                    observedMin = Math.min(observedMin, v);
                    observedMax = Math.max(observedMax, v);
                }
            } else {
                if (Float.isNaN(staticScale)) throw new IllegalStateException("static activation range not calibrated");
                quantizedInput = Buffers.matrix(quantizedInput, x.dim(0), x.dim(1));
                AsymmetricGrid.apply(x.data, quantizedInput.data, 0, x.data.length, staticScale, staticZero, bits);
                in = quantizedInput;
            }
        }
        Tensor y = inner.forward(in);
        if (outputBits == 0) return y;
        quantizedOutput = Buffers.matrix(quantizedOutput, y.dim(0), y.dim(1));
        AsymmetricGrid.perRow(y.data, quantizedOutput.data, y.dim(0), y.dim(1), outputBits);
        return quantizedOutput;
    }

    @Override
    public Tensor backward(Tensor dy) {
        return inner.backward(dy);
    }

    @Override
    public List<Parameter> parameters() {
        return inner.parameters();
    }

    @Override
    public int inFeatures() {
        return inner.inFeatures();
    }

    @Override
    public int outFeatures() {
        return inner.outFeatures();
    }

    @Override
    public Map<String, ? extends Accounted> buffers() {
        return inner.buffers();
    }

    @Override
    public long activationBytes() {
        return inner.activationBytes() + Buffers.bytes(quantizedInput) + Buffers.bytes(quantizedOutput);
    }
}
