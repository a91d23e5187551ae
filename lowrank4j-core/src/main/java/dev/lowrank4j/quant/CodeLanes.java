package dev.lowrank4j.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector decoding of packed codes into int lanes, 16 elements at a time, shared by the NF4 and
 * INT formats. Only used where the preferred float vector has 16 lanes (AVX-512): 16 codes of 4
 * bits are 8 bytes, and a table of 16 NF4 values is exactly one vector, so a lookup is one
 * permute. Elsewhere {@link #AVAILABLE} is false and the formats decode element by element.
 *
 * <p>Packed 4-bit codes hold element 2t in the high nibble of byte t and element 2t+1 in the low
 * one. Duplicating every byte into two lanes and shifting them right by 4 and 0 alternately puts
 * the codes in element order, so no interleaving of results is needed.
 */
public final class CodeLanes {
    public static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
    public static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;
    /** Elements per decoded vector. */
    public static final int LANES = 16;
    /** Whether the vector decoders may be used on this machine. */
    public static final boolean AVAILABLE = FloatVector.SPECIES_PREFERRED.length() == LANES
            && !Boolean.getBoolean("lowrank4j.quant.scalarDecode");

    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;
    private static final VectorShuffle<Byte> FIRST_EIGHT_TWICE = VectorShuffle.fromOp(BYTES, i -> i / 2);
    private static final VectorShuffle<Byte> LAST_EIGHT_TWICE = VectorShuffle.fromOp(BYTES, i -> 8 + i / 2);
    private static final IntVector NIBBLE_SHIFTS = IntVector.zero(INTS).addIndex(1).and(1).mul(-4).add(4);

    private CodeLanes() {}

    /**
     * The 4-bit codes of elements 2·byteOff .. 2·byteOff+15 (bytes byteOff .. byteOff+7) when
     * {@code second} is false, of the next 16 elements (bytes +8 .. +15) when true. Reads the 16
     * bytes from byteOff, which must all exist.
     */
    public static IntVector nibbles(byte[] packed, int byteOff, boolean second) {
        ByteVector b = ByteVector.fromArray(BYTES, packed, byteOff);
        return nibbles(b, second);
    }

    /** As {@link #nibbles(byte[], int, boolean)} on 16 bytes already loaded. */
    public static IntVector nibbles(ByteVector sixteenBytes, boolean second) {
        ByteVector twice = sixteenBytes.rearrange(second ? LAST_EIGHT_TWICE : FIRST_EIGHT_TWICE);
        // Sign extension only sets bits above bit 7; the shift and the mask discard them.
        IntVector lanes = (IntVector) twice.convertShape(VectorOperators.B2I, INTS, 0);
        return lanes.lanewise(VectorOperators.LSHR, NIBBLE_SHIFTS).and(0xF);
    }

    /** 16 bytes from byteOff as unsigned values 0..255. */
    public static IntVector unsignedBytes(byte[] packed, int byteOff) {
        ByteVector b = ByteVector.fromArray(BYTES, packed, byteOff);
        return ((IntVector) b.convertShape(VectorOperators.B2I, INTS, 0)).and(0xFF);
    }

    /** Loads 16 bytes (for decoding 32 nibbles with two {@link #nibbles(ByteVector, boolean)} calls). */
    public static ByteVector load(byte[] packed, int byteOff) {
        return ByteVector.fromArray(BYTES, packed, byteOff);
    }

    /** A 16-entry float table as int bits, for {@code IntVector.selectFrom} lookups. */
    public static IntVector table(float[] sixteenValues) {
        return FloatVector.fromArray(FLOATS, sixteenValues, 0).reinterpretAsInts();
    }
}
