package dev.lowrank4j.quant.nf4;

import java.util.Arrays;

/**
 * bitsandbytes' signed 8-bit "dynamic" code (functional.create_dynamic_map with signed=True,
 * max_exponent_bits=7, total_bits=8), which double quantization uses for the absmax values: for
 * i = 0..6 the 2^i mid-points of 2^i + 1 equally spaced points on [0.1, 1], scaled by 10^(i−6),
 * with both signs, plus 0 and 1; sorted, 256 values.
 *
 * <p>Computed here in double and rounded once to float32. bitsandbytes builds it with float32
 * torch.linspace, whose last bit depends on the torch version and the CPU's vector width; the
 * reference fixture (torch 1.13) differs from this table by at most one ulp in 90 of 256 entries.
 * Files store the map they were written with, and dequantization uses the stored one.
 */
final class DynamicMap {
    static final float[] VALUES = build();

    private DynamicMap() {}

    private static float[] build() {
        double[] data = new double[256];
        int n = 0;
        for (int i = 0; i < 7; i++) {
            int points = (1 << i) + 1;
            double scale = Math.pow(10, i - 6);
            for (int k = 0; k + 1 < points; k++) {
                double lo = 0.1 + 0.9 * k / (points - 1), hi = 0.1 + 0.9 * (k + 1) / (points - 1);
                double mean = (lo + hi) / 2;
                data[n++] = scale * mean;
                data[n++] = -scale * mean;
            }
        }
        data[n++] = 0;
        data[n++] = 1;
        if (n != 256) throw new IllegalStateException("dynamic map has " + n + " values");
        Arrays.sort(data);
        float[] out = new float[256];
        for (int i = 0; i < 256; i++) out[i] = (float) data[i];
        return out;
    }
}
