package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;

/**
 * FlexRound (Lee et al., ICML 2023) as the FlexRound_LRQ code computes it ({@code mode='flexround'}):
 * <pre>
 *   S = exp(log s1 + S2 + s3)       S2 [out, in] and s3 [out] start at 0, so the start is RTN on (s1, z)
 * </pre>
 * with the rounding, clamp and dequantization of {@link LearnableQuantizer}. Learnables
 * {@code <module>.flexround.log_s1}, {@code .s2}, {@code .s3}: out·in + 2·out values, one divisor per
 * weight, which is what lets FlexRound over-fit a small calibration set (ALGORITHMS §5(g)).
 */
public final class FlexRoundQuantizer extends LearnableQuantizer {
    private final Parameter s2;
    private final Parameter s3;

    private FlexRoundQuantizer(String modulePath, Tensor weight, QuantGrid grid) {
        super(modulePath, "flexround", weight, grid);
        this.s2 = new Parameter(modulePath + ".flexround.s2", Tensor.zeros(out, in));
        this.s3 = new Parameter(modulePath + ".flexround.s3", Tensor.zeros(out));
    }

    /** A quantizer for the frozen weight {@code weight} [out, in] starting from {@code grid}. */
    public static FlexRoundQuantizer create(String modulePath, Tensor weight, QuantGrid grid) {
        return new FlexRoundQuantizer(modulePath, weight, grid);
    }

    public Parameter s2() {
        return s2;
    }

    public Parameter s3() {
        return s3;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(logS1, s2, s3);
    }

    /** (log s1 + S2) + s3, the authors' order of additions. */
    @Override
    protected void fillExponent(float[] a) {
        float[] d1 = logS1.data(), d2 = s2.data(), d3 = s3.data();
        for (int i = 0; i < out; i++) {
            for (int k = i * in, end = k + in; k < end; k++) a[k] = d1[i] + d2[k] + d3[i];
        }
    }

    @Override
    protected void backwardExponent(float[] exponentGrad, double[] rowSums) {
        if (s2.grad() != null) {
            float[] g = s2.grad().data;
            for (int k = 0; k < g.length; k++) g[k] += exponentGrad[k];
        }
        addInto(s3, rowSums);
    }
}
