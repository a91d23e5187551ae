package dev.lowrank4j.data;

import java.nio.charset.StandardCharsets;

/** Byte-level tokenizer: each UTF-8 byte is one token (vocabulary of 256). */
public final class ByteTokenizer {
    public static final int VOCAB_SIZE = 256;

    private ByteTokenizer() {}

    public static int[] encode(byte[] bytes) {
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) ids[i] = bytes[i] & 0xFF;
        return ids;
    }

    public static int[] encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(int[] ids) {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) b[i] = (byte) ids[i];
        return new String(b, StandardCharsets.UTF_8);
    }
}
