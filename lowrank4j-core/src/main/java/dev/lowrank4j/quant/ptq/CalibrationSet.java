package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Hidden states of the calibration samples at one point of the model: one [seq, width] array per
 * sample (samples are whole sequences, so a batch is a few of them concatenated).
 */
public record CalibrationSet(List<float[]> samples, int seq, int width) {
    /** How many samples one pass through a block takes at most (bounds the activation memory). */
    private static final int PASS_SAMPLES = 8;

    public CalibrationSet {
        samples = List.copyOf(samples);
        for (float[] s : samples) {
            if (s.length != seq * width) throw new IllegalArgumentException("a sample must hold seq·width = " + seq * width + " values");
        }
    }

    public int size() {
        return samples.size();
    }

    /** The samples {@code indices} concatenated into {@code into} [indices.length·seq, width]. */
    public void gather(int[] indices, float[] into) {
        int n = seq * width;
        for (int b = 0; b < indices.length; b++) System.arraycopy(samples.get(indices[b]), 0, into, b * n, n);
    }

    /** The block's outputs on every sample, in a few passes; the block's own buffers are copied out. */
    public CalibrationSet through(TransformerBlock block) {
        List<float[]> out = new ArrayList<>(samples.size());
        int n = seq * width;
        for (int from = 0; from < samples.size(); from += PASS_SAMPLES) {
            int count = Math.min(PASS_SAMPLES, samples.size() - from);
            int[] idx = new int[count];
            for (int b = 0; b < count; b++) idx[b] = from + b;
            Tensor x = Tensor.zeros(count * seq, width);
            gather(idx, x.data);
            Tensor y = block.forward(x, new TransformerBlock.Context(count, seq));
            for (int b = 0; b < count; b++) {
                float[] s = new float[n];
                System.arraycopy(y.data, b * n, s, 0, n);
                out.add(s);
            }
        }
        return new CalibrationSet(out, seq, width);
    }
}
