package dev.lowrank4j.quant.nf4;

import dev.lowrank4j.Lowrank4jException;

/**
 * How a tensor is quantized to NF4: values per absmax block, and whether the absmax values are
 * themselves quantized (bitsandbytes' compress_statistics / bnb_4bit_use_double_quant).
 *
 * @param blocksize  one of {@link #BLOCKSIZES}; 64 is bitsandbytes' default
 * @param doubleQuant absmax stored as 8-bit codes in blocks of {@link #NESTED_BLOCKSIZE} around their mean
 */
public record Nf4Options(int blocksize, boolean doubleQuant) {
    /** The block sizes bitsandbytes' quantize_4bit accepts. */
    public static final int[] BLOCKSIZES = {32, 64, 128, 256, 512, 1024, 2048, 4096};
    /** Block size of the second quantization level, fixed in bitsandbytes' quantize_4bit. */
    public static final int NESTED_BLOCKSIZE = 256;
    public static final Nf4Options DEFAULT = new Nf4Options(64, false);

    public Nf4Options {
        if (!isSupported(blocksize)) {
            throw new Lowrank4jException("NF4 blocksize " + blocksize + " is not supported (one of 32, 64, 128, "
                    + "256, 512, 1024, 2048, 4096)");
        }
    }

    public static boolean isSupported(int blocksize) {
        for (int b : BLOCKSIZES) if (b == blocksize) return true;
        return false;
    }
}
