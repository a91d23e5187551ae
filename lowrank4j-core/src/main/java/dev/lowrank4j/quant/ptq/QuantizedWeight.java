package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.tensor.Tensor;

/**
 * What survives quantization of one weight [out, in]: b-bit codes plus a float scale and an integer
 * zero point per row, Ŵ[i][j] = scales[i]·(codes[i·in + j] − zeroPoints[i]). This is all a deployed
 * model stores (ALGORITHMS §5(d)); FlexRound's and LRQ's learnables are not part of it.
 *
 * <p>Codes are one unsigned byte each ({@code 0 … 2^bits − 1}, read with {@link #code}), row-major and
 * not packed: packing into the model's storage format is the storage layer's job.
 */
public record QuantizedWeight(int out, int in, int bits, byte[] codes, float[] scales, int[] zeroPoints) {
    public QuantizedWeight {
        QuantGrid.checkBits(bits);
        if (codes.length != (long) out * in || scales.length != out || zeroPoints.length != out) {
            throw new IllegalArgumentException("[" + out + ", " + in + "] needs " + (long) out * in + " codes and "
                    + out + " scales and zero points, got " + codes.length + ", " + scales.length + ", "
                    + zeroPoints.length);
        }
    }

    /** The code of element (row, col), in 0 … 2^bits − 1. */
    public int code(int row, int col) {
        return codes[row * in + col] & 0xFF;
    }

    /** Ŵ as float32 [out, in]; equal bit for bit to the fake-quantized weight that produced the codes. */
    public Tensor dequantize() {
        Tensor w = Tensor.zeros(out, in);
        for (int i = 0; i < out; i++) {
            float s = scales[i];
            int z = zeroPoints[i];
            for (int j = 0; j < in; j++) w.data[i * in + j] = (float) ((codes[i * in + j] & 0xFF) - z) * s;
        }
        return w;
    }
}
