package dev.lowrank4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts little-endian safetensors elements into Java float or long arrays, one buffer chunk at a
 * time. Kept apart from the file handling so each conversion is easy to check on its own.
 */
final class ElementDecoder {
    private ElementDecoder() {
    }

    static boolean decodesToFloat(SafeTensorsDtype d) {
        return d == SafeTensorsDtype.F32 || d == SafeTensorsDtype.F16 || d == SafeTensorsDtype.BF16
                || d == SafeTensorsDtype.F64;
    }

    static boolean decodesToLong(SafeTensorsDtype d) {
        return switch (d) {
            case I64, I32, I16, I8, U8, U16, U32, U64, BOOL -> true;
            default -> false;
        };
    }

    /** Reads {@code count} elements from {@code src} (position 0, little-endian) into dst[off..]. */
    static void toFloat(SafeTensorsDtype d, ByteBuffer src, int count, float[] dst, int off) {
        ByteBuffer b = src.order(ByteOrder.LITTLE_ENDIAN);
        switch (d) {
            case F32 -> b.asFloatBuffer().get(dst, off, count);
            case F64 -> {
                for (int i = 0; i < count; i++) dst[off + i] = (float) b.getDouble(i * 8);
            }
            case F16 -> {
                for (int i = 0; i < count; i++) dst[off + i] = Float.float16ToFloat(b.getShort(i * 2));
            }
            // bfloat16 is the top half of a float32, so widening is a shift: exact, NaN payloads included.
            case BF16 -> {
                for (int i = 0; i < count; i++) dst[off + i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
            }
            default -> throw new IllegalArgumentException("not a float dtype: " + d);
        }
    }

    /**
     * Reads {@code count} integer elements into dst[off..]. Returns the index (relative to off) of the
     * first U64 value that does not fit a signed long, or -1 if all fit.
     */
    static int toLong(SafeTensorsDtype d, ByteBuffer src, int count, long[] dst, int off) {
        ByteBuffer b = src.order(ByteOrder.LITTLE_ENDIAN);
        switch (d) {
            case I64 -> b.asLongBuffer().get(dst, off, count);
            case U64 -> {
                b.asLongBuffer().get(dst, off, count);
                for (int i = 0; i < count; i++) if (dst[off + i] < 0) return i;
            }
            case I32 -> {
                for (int i = 0; i < count; i++) dst[off + i] = b.getInt(i * 4);
            }
            case U32 -> {
                for (int i = 0; i < count; i++) dst[off + i] = Integer.toUnsignedLong(b.getInt(i * 4));
            }
            case I16 -> {
                for (int i = 0; i < count; i++) dst[off + i] = b.getShort(i * 2);
            }
            case U16 -> {
                for (int i = 0; i < count; i++) dst[off + i] = b.getShort(i * 2) & 0xFFFFL;
            }
            case I8 -> {
                for (int i = 0; i < count; i++) dst[off + i] = b.get(i);
            }
            case U8, BOOL -> {
                for (int i = 0; i < count; i++) dst[off + i] = b.get(i) & 0xFFL;
            }
            default -> throw new IllegalArgumentException("not an integer dtype: " + d);
        }
        return -1;
    }
}
