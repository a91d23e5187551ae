package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;

/**
 * A fake-quantizer over a frozen weight W [out, in] whose rounding is learned: FlexRound and LRQ
 * differ only in how they parameterise the element-wise divisor S = exp(A) (the authors'
 * {@code UniformAffineQuantizer.forward}, asymmetric branch):
 * <pre>
 *   R = W ⊘ S                              element-wise
 *   q = clamp(round_half_even(R), −z, 2^b − 1 − z)      z: the fixed per-row zero point
 *   Ŵ = s1 ⊙ q                             s1 = exp(log s1), one learnable step per row
 * </pre>
 * Why Ŵ uses s1 only: A = log s1 + (the method's learned terms), so S = s1 ⊙ exp(learned terms) has
 * one value per weight, while a deployed model keeps one scale per row (ALGORITHMS §5(d)). The
 * learned per-element factor may therefore only decide <em>which integer</em> each weight becomes
 * (it moves W/S across rounding boundaries); multiplying back by s1 alone keeps Ŵ on the per-row
 * grid that {@link #export} stores, so training optimises exactly the weights that are deployed.
 * log s1 appears twice, in S and in the dequantization, so the step itself is learned as well.
 *
 * <p>Gradients (what autograd gives through the authors' formula, with their {@code round_ste}
 * passing the gradient unchanged and {@code torch.clamp} passing it where the rounded value lies in
 * [−z, 2^b − 1 − z], bounds included): with G = dL/dŴ and m the clamp mask,
 * <pre>
 *   dL/dA      = −(G ⊙ s1) ⊙ m ⊙ R         (dR/dA = −R)
 *   dL/dlog s1 = Σ_j G ⊙ q ⊙ s1  +  Σ_j dL/dA
 * </pre>
 * and each subclass sends dL/dA on to its own learnables. The zero point is never learned.
 *
 * <p>Use: {@link #forward} gives Ŵ (the weight a linear layer then multiplies by); after the layer's
 * backward has accumulated dL/dŴ, {@link #backward} ADDS into the gradients of the trainable
 * learnables; {@link #export} gives the codes to keep, after which the quantizer is dropped.
 */
public abstract sealed class LearnableQuantizer permits FlexRoundQuantizer, LrqQuantizer {
    protected final String modulePath;
    protected final int out;
    protected final int in;
    private final Tensor weight;
    private final int bits;
    private final int[] zeroPoints;
    protected final Parameter logS1;
    /** The exponent A while {@link #forward} runs, then R = W ⊘ exp(A) until the next forward. */
    private final float[] ratio;
    private final float[] exponentGrad;
    private final Tensor fakeQuantized;

    /** {@code weight} is read by every forward and must not change while the quantizer lives. */
    protected LearnableQuantizer(String modulePath, String method, Tensor weight, QuantGrid grid) {
        this.out = WeightRows.rows(modulePath, weight);
        this.in = weight.dim(1);
        if (grid.rows() != out) {
            throw new IllegalArgumentException(modulePath + ": grid has " + grid.rows() + " rows, weight " + out);
        }
        this.modulePath = modulePath;
        this.weight = weight;
        this.bits = grid.bits();
        this.zeroPoints = grid.zeroPoints().clone();
        float[] log = new float[out];
        for (int i = 0; i < out; i++) log[i] = (float) Math.log(grid.scales()[i]);
        this.logS1 = new Parameter(modulePath + "." + method + ".log_s1", new Tensor(log, out));
        this.ratio = new float[out * in];
        this.exponentGrad = new float[out * in];
        this.fakeQuantized = Tensor.zeros(out, in);
    }

    /** Fills a [out, in] with A = log S, summing the terms in the authors' order. */
    protected abstract void fillExponent(float[] a);

    /**
     * Adds dL/dA into the subclass's own trainable learnables (log s1 is done by the caller);
     * {@code rowSums[i]} = Σ_j dL/dA[i][j], already computed for log s1.
     */
    protected abstract void backwardExponent(float[] exponentGrad, double[] rowSums);

    /** Every learnable, log s1 first, in a stable order. */
    public abstract List<Parameter> parameters();

    /**
     * Ŵ [out, in] for the current learnables. Always the same tensor, rewritten in place, so a
     * {@code Linear} can hold it as its weight for the whole reconstruction.
     */
    public Tensor forward() {
        fillExponent(ratio);
        float[] w = weight.data, wHat = fakeQuantized.data, s = logS1.data();
        Parallel.forEach(out, i -> {
            float s1 = (float) Math.exp(s[i]);
            float lo = -zeroPoints[i], hi = (1 << bits) - 1 - zeroPoints[i];
            for (int k = i * in, end = k + in; k < end; k++) {
                float r = w[k] / (float) Math.exp(ratio[k]);
                ratio[k] = r;
                // + 0f turns rint's −0 into +0, so Ŵ equals the stored s1·(Q − z) bit for bit
                wHat[k] = (Math.min(Math.max((float) Math.rint(r), lo), hi) + 0f) * s1;
            }
        });
        return fakeQuantized;
    }

    /** Adds the straight-through gradients for dL/dŴ {@code gradWHat} [out, in] of the latest forward. */
    public void backward(Tensor gradWHat) {
        if (!gradWHat.sameShape(out, in)) {
            throw new IllegalArgumentException(modulePath + ": dL/dŴ must be [" + out + ", " + in + "], got "
                    + java.util.Arrays.toString(gradWHat.shape()));
        }
        float[] g = gradWHat.data, s = logS1.data();
        float[] sGrad = logS1.grad() == null ? null : logS1.grad().data;
        double[] rowSums = new double[out];
        Parallel.forEach(out, i -> {
            float s1 = (float) Math.exp(s[i]);
            float lo = -zeroPoints[i], hi = (1 << bits) - 1 - zeroPoints[i];
            double direct = 0, viaExponent = 0;
            for (int k = i * in, end = k + in; k < end; k++) {
                float rounded = (float) Math.rint(ratio[k]);
                boolean inside = rounded >= lo && rounded <= hi;
                direct += (double) g[k] * Math.min(Math.max(rounded, lo), hi);
                float ga = inside ? -(g[k] * s1) * ratio[k] : 0f;
                exponentGrad[k] = ga;
                viaExponent += ga;
            }
            rowSums[i] = viaExponent;
            if (sGrad != null) sGrad[i] += (float) (direct * s1 + viaExponent);
        });
        backwardExponent(exponentGrad, rowSums);
    }

    /**
     * The codes, per-row scale exp(log s1) and zero point of the current learnables: the weight to
     * deploy. {@link QuantizedWeight#dequantize()} equals {@link #forward()} bit for bit.
     */
    public QuantizedWeight export() {
        forward();
        byte[] codes = new byte[out * in];
        float[] scales = new float[out];
        for (int i = 0; i < out; i++) {
            scales[i] = (float) Math.exp(logS1.data()[i]);
            float lo = -zeroPoints[i], hi = (1 << bits) - 1 - zeroPoints[i];
            for (int k = i * in, end = k + in; k < end; k++) {
                codes[k] = (byte) ((int) Math.min(Math.max((float) Math.rint(ratio[k]), lo), hi) + zeroPoints[i]);
            }
        }
        return new QuantizedWeight(out, in, bits, codes, scales, zeroPoints.clone());
    }

    /** The grid Ŵ currently lies on: (exp(log s1), z). At construction RTN on it equals {@link #forward()}. */
    public QuantGrid currentGrid() {
        float[] scales = new float[out];
        for (int i = 0; i < out; i++) scales[i] = (float) Math.exp(logS1.data()[i]);
        return new QuantGrid(bits, scales, zeroPoints.clone());
    }

    /** Learnable values in total (ALGORITHMS §5(f)). */
    public long learnableCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.numel();
        return n;
    }

    public String modulePath() {
        return modulePath;
    }

    public Parameter logS1() {
        return logS1;
    }

    /** R = W ⊘ S of the latest forward (tests build the straight-through surrogate from it). */
    float[] ratios() {
        return ratio;
    }

    protected static void addInto(Parameter p, double[] values) {
        if (p.grad() == null) return;
        float[] g = p.grad().data;
        for (int i = 0; i < values.length; i++) g[i] += (float) values[i];
    }
}
