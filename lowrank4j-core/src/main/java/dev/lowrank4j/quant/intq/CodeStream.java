package dev.lowrank4j.quant.intq;

/**
 * The layout of w-bit integer codes (w = 2..8) in bytes: one bit stream, most significant bit
 * first, code i in stream bits [w·i, w·(i+1)). For w = 8 that is one code per byte; for w = 4 it
 * is two per byte with the first in the high nibble (the NF4 and earlier INT4 layout); for w = 3
 * eight codes fill three bytes. The stream's last byte is padded with zero bits, never read.
 */
public final class CodeStream {
    private CodeStream() {}

    /** Bytes holding n codes of w bits: ceil(n·w / 8). */
    public static long bytesFor(long n, int w) {
        check(w);
        return (n * w + 7) >> 3;
    }

    /** As {@link #bytesFor(long, int)}, for a count that must fit one Java array. */
    public static int arrayBytesFor(long n, int w) {
        long b = bytesFor(n, w);
        if (b > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(n + " codes of " + w + " bits do not fit one array");
        return (int) b;
    }

    /** The unsigned code i. */
    public static int get(byte[] codes, long i, int w) {
        if (w == 8) return codes[(int) i] & 0xFF;
        if (w == 4) {
            int b = codes[(int) (i >> 1)];
            return (i & 1) == 0 ? (b >> 4) & 0xF : b & 0xF;
        }
        long bit = i * w;
        int at = (int) (bit >> 3);
        // A code of at most 7 bits spans at most two bytes: read them as one 16-bit window.
        int window = (codes[at] & 0xFF) << 8 | (at + 1 < codes.length ? codes[at + 1] & 0xFF : 0);
        return window >>> (16 - w - (int) (bit & 7)) & ((1 << w) - 1);
    }

    /** Writes code q (0 ≤ q < 2^w) at i, into bytes that hold zero bits there (a fresh array). */
    public static void put(byte[] codes, long i, int w, int q) {
        if (w == 8) {
            codes[(int) i] = (byte) q;
            return;
        }
        long bit = i * w;
        int at = (int) (bit >> 3);
        int window = q << (16 - w - (int) (bit & 7));
        codes[at] |= (byte) (window >>> 8);
        if ((window & 0xFF) != 0) codes[at + 1] |= (byte) window;
    }

    /** Codes per vector step start on a byte only at multiples of this: 8 / gcd(w, 8). */
    public static int byteAlignedEvery(int w) {
        return 8 / Integer.lowestOneBit(w | 8);
    }

    /** The byte holding the first bit of code i (which must start on a byte). */
    public static int byteOf(long i, int w) {
        return (int) ((i * w) >> 3);
    }

    private static void check(int w) {
        if (w < 2 || w > 8) throw new IllegalArgumentException("codes of " + w + " bits: 2 to 8 are supported");
    }
}
