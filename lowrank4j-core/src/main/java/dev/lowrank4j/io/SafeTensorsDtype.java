package dev.lowrank4j.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every element type the safetensors format defines, with its width in bits. We list the ones we
 * cannot convert too (F8, F4, complex...) so that such a file still opens and its entries can be
 * listed; only reading those tensors fails, with a message naming the dtype.
 */
public enum SafeTensorsDtype {
    BOOL(8), U8(8), I8(8),
    F8_E5M2(8), F8_E4M3(8), F8_E8M0(8),
    I16(16), U16(16), F16(16), BF16(16),
    I32(32), U32(32), F32(32),
    F64(64), I64(64), U64(64), C64(64),
    // Sub-byte types: a tensor of these is only valid when its bits fill whole bytes.
    F4(4), F6_E2M3(6), F6_E3M2(6);

    private final int bits;

    SafeTensorsDtype(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    /** The header spells dtypes exactly like the enum constants (case-sensitive, as in the reference). */
    public static Optional<SafeTensorsDtype> parse(String name) {
        for (SafeTensorsDtype d : values()) {
            if (d.name().equals(name)) return Optional.of(d);
        }
        return Optional.empty();
    }

    static String knownList() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
