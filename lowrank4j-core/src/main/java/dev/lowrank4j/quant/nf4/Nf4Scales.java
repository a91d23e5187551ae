package dev.lowrank4j.quant.nf4;

/**
 * The per-block scales (absmax) of an NF4 tensor: plain float32, or double-quantized. Arrays are
 * held by reference, not copied: treat them as read-only.
 */
public sealed interface Nf4Scales permits Nf4Scales.Plain, Nf4Scales.DoubleQuantized {
    int blocks();

    /** The absmax of one block, as bitsandbytes dequantizes it (float32). */
    float scale(int block);

    long bytes();

    /** absmax per block as float32. */
    record Plain(float[] absmax) implements Nf4Scales {
        @Override
        public int blocks() {
            return absmax.length;
        }

        @Override
        public float scale(int block) {
            return absmax[block];
        }

        @Override
        public long bytes() {
            return 4L * absmax.length;
        }
    }

    /**
     * absmax = nestedCode[codes[b]] · nestedAbsmax[b / nestedBlocksize] + offset, computed in
     * float32 in that order (bitsandbytes: dequantize_blockwise, then "+= offset").
     *
     * @param codes           one unsigned 8-bit index into nestedCode per block
     * @param nestedAbsmax    the second-level scale per nestedBlocksize blocks
     * @param offset          the mean of the absmax values, subtracted before quantizing them
     * @param nestedCode      the 256-value code (the signed dynamic map when written here)
     * @param nestedBlocksize blocks per second-level scale (256 in bitsandbytes)
     */
    record DoubleQuantized(byte[] codes, float[] nestedAbsmax, float offset, float[] nestedCode,
                           int nestedBlocksize) implements Nf4Scales {
        @Override
        public int blocks() {
            return codes.length;
        }

        @Override
        public float scale(int block) {
            float v = nestedCode[codes[block] & 0xFF] * nestedAbsmax[block / nestedBlocksize];
            return v + offset;
        }

        @Override
        public long bytes() {
            return codes.length + 4L * nestedAbsmax.length + 4;
        }
    }
}
