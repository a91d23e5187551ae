package dev.lowrank4j.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector decoding of packed codes into int lanes, {@link #LANES} elements at a time, shared by
 * the NF4 and INT formats. Works with the preferred vector of 8 floats (AVX2) or 16 (AVX-512);
 * elsewhere {@link #AVAILABLE} is false and the formats decode element by element (also forced by
 * {@code -Dlowrank4j.quant.scalarDecode=true}). {@code -Dlowrank4j.quant.lanes=8|16} picks the
 * width instead of the preferred one, so that both paths can be tested on one machine.
 *
 * <p>Packed 4-bit codes hold element 2t in the high nibble of byte t and element 2t+1 in the low
 * one. Duplicating every byte into two lanes and shifting them right by 4 and 0 alternately puts
 * the codes in element order, so no interleaving of results is needed. A 16-entry table (the NF4
 * code) is one 16-lane vector or two 8-lane ones, so a lookup is one or two permutes.
 */
public final class CodeLanes {
    private static final int REQUESTED = Integer.getInteger("lowrank4j.quant.lanes", FloatVector.SPECIES_PREFERRED.length());
    /** Whether the vector decoders should be used on this machine. */
    public static final boolean AVAILABLE = (REQUESTED == 8 || REQUESTED == 16)
            && !Boolean.getBoolean("lowrank4j.quant.scalarDecode");
    /**
     * Whether the fused row dot products may decode in registers: only where the decoded vectors
     * have the width of the float dot product they must match bit for bit ({@code
     * DirectGemm.dot}, which sums in the preferred width). With {@code -Dlowrank4j.quant.lanes=8}
     * on an AVX-512 machine the accumulation order would differ, so the row is unpacked instead.
     */
    public static final boolean FUSED_DOT = AVAILABLE && REQUESTED == FloatVector.SPECIES_PREFERRED.length();
    /** Elements per decoded vector (8 where the decoders are not used, so that tests can still run them). */
    public static final int LANES = REQUESTED == 16 ? 16 : 8;
    /** LANES floats: the species of every decoded vector. */
    public static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, shape(32));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, shape(32));

    /** LANES bytes: LANES 8-bit codes, or 2·LANES 4-bit ones. */
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, shape(8));
    private static final VectorShuffle<Byte> FIRST_HALF_TWICE = VectorShuffle.fromOp(BYTES, i -> i / 2);
    private static final VectorShuffle<Byte> SECOND_HALF_TWICE = VectorShuffle.fromOp(BYTES, i -> BYTES.length() / 2 + i / 2);
    private static final IntVector NIBBLE_SHIFTS = IntVector.zero(INTS).addIndex(1).and(1).mul(-4).add(4);

    private CodeLanes() {}

    private static VectorShape shape(int elementBits) {
        return VectorShape.forBitSize(LANES * elementBits);
    }

    /** Loads LANES bytes from byteOff (which must all exist). */
    public static ByteVector load(byte[] packed, int byteOff) {
        return ByteVector.fromArray(BYTES, packed, byteOff);
    }

    /**
     * The 4-bit codes of the LANES elements held in the first half of the loaded bytes
     * ({@code second} false) or in the second half (true).
     */
    public static IntVector nibbles(ByteVector bytes, boolean second) {
        ByteVector twice = bytes.rearrange(second ? SECOND_HALF_TWICE : FIRST_HALF_TWICE);
        // Sign extension only sets bits above bit 7; the shift and the mask discard them.
        IntVector lanes = (IntVector) twice.convertShape(VectorOperators.B2I, INTS, 0);
        return lanes.lanewise(VectorOperators.LSHR, NIBBLE_SHIFTS).and(0xF);
    }

    /**
     * The loaded LANES bytes widened to int lanes, sign-extended: {@link #highNibbles} and
     * {@link #lowNibbles} take the 4-bit codes of the 2·LANES elements they hold out of them.
     */
    public static IntVector widen(ByteVector bytes) {
        return (IntVector) bytes.convertShape(VectorOperators.B2I, INTS, 0);
    }

    /** The high nibble of every widened byte: the codes of the even elements 0, 2, 4, ... of the bytes. */
    public static IntVector highNibbles(IntVector widened) {
        return widened.lanewise(VectorOperators.LSHR, 4).and(0xF);
    }

    /** The low nibble of every widened byte: the codes of the odd elements 1, 3, 5, ... */
    public static IntVector lowNibbles(IntVector widened) {
        return widened.and(0xF);
    }

    /** Int lanes as floats (exact for codes and code differences). */
    public static FloatVector toFloats(IntVector ints) {
        return (FloatVector) ints.convert(VectorOperators.I2F, 0);
    }

    /**
     * LANES codes of {@code w} bits (2..7) from the loaded bytes, read as a most-significant-bit-first
     * stream starting at the first loaded byte ({@link dev.lowrank4j.quant.intq.CodeStream}): lane j
     * takes the 16-bit window of bytes k, k+1 with k = ⌊w·j / 8⌋ and shifts its code down. Uses the
     * first w·LANES/8 + 1 loaded bytes.
     */
    public static IntVector bitCodes(ByteVector bytes, int w) {
        BitLayout l = BIT_LAYOUTS[w];
        IntVector high = unsignedBytes(bytes.rearrange(l.high()));
        IntVector low = unsignedBytes(bytes.rearrange(l.low()));
        return high.lanewise(VectorOperators.LSHL, 8).or(low).lanewise(VectorOperators.LSHR, l.shifts()).and((1 << w) - 1);
    }

    /** Per code width: which byte holds the high and the low half of each lane's window, and the shift. */
    private record BitLayout(VectorShuffle<Byte> high, VectorShuffle<Byte> low, IntVector shifts) {
        static BitLayout of(int w) {
            int[] shift = new int[LANES];
            for (int j = 0; j < LANES; j++) shift[j] = 16 - w - (w * j & 7);
            return new BitLayout(VectorShuffle.fromOp(BYTES, j -> (w * j) >> 3),
                    VectorShuffle.fromOp(BYTES, j -> ((w * j) >> 3) + 1),
                    IntVector.fromArray(INTS, shift, 0));
        }
    }

    private static final BitLayout[] BIT_LAYOUTS = new BitLayout[8];

    static {
        for (int w = 2; w < 8; w++) BIT_LAYOUTS[w] = BitLayout.of(w);
    }

    /** The loaded bytes as unsigned values 0..255. */
    public static IntVector unsignedBytes(ByteVector bytes) {
        return ((IntVector) bytes.convertShape(VectorOperators.B2I, INTS, 0)).and(0xFF);
    }

    /**
     * bitsandbytes' bucketing of x[off .. off+LANES) scaled by {@code scale} and clamped to
     * [−1, 1], against 15 sorted thresholds: per lane the number of thresholds strictly below the
     * value, written as one byte per element to out[off ..]. Same float operations as the
     * scalar x·scale, max, min and count, so the same codes.
     */
    public static void bucketize(float[] x, int off, float scale, float[] thresholds, byte[] out) {
        FloatVector v = FloatVector.fromArray(FLOATS, x, off).mul(scale).max(-1f).min(1f);
        IntVector count = IntVector.zero(INTS);
        for (int t = 0; t < 15; t++) count = count.add(1, v.compare(VectorOperators.GT, thresholds[t]).cast(INTS));
        ((ByteVector) count.convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(out, off);
    }

    private static final IntVector IOTA_LOW = IntVector.zero(INTS).addIndex(1);
    private static final IntVector IOTA_HIGH = LANES == 16 ? IOTA_LOW : IOTA_LOW.add(8);

    /**
     * Half of the table (c − zero)·scale over the codes c = 0..15 (the low or high half with 8
     * lanes; with 16 both are the whole table): the INT formats' dequantization of one group,
     * computed with the same operations per entry as per element, so the same bits.
     */
    public static IntVector affineTable(boolean high, int zero, float scale) {
        IntVector codes = high ? IOTA_HIGH : IOTA_LOW;
        return ((FloatVector) codes.sub(zero).convert(VectorOperators.I2F, 0)).mul(scale).reinterpretAsInts();
    }

    /** A 16-entry float table, prepared for {@link #lookup}. */
    public static Table table(float[] sixteenValues) {
        if (sixteenValues.length != 16) throw new IllegalArgumentException("a table has 16 entries");
        IntVector lo = FloatVector.fromArray(FLOATS, sixteenValues, 0).reinterpretAsInts();
        IntVector hi = LANES == 8 ? FloatVector.fromArray(FLOATS, sixteenValues, 8).reinterpretAsInts() : lo;
        return new Table(lo, hi);
    }

    /** A 16-entry table as int bits: one vector (16 lanes) or two (8 lanes). */
    public record Table(IntVector low, IntVector high) {}

    /** table[index] per lane, as floats; indices are 0..15. */
    public static FloatVector lookup(IntVector index, Table table) {
        return lookup(index, table.low(), table.high());
    }

    /** The same lookup in a table held as its two halves (one vector twice with 16 lanes). */
    public static FloatVector lookup(IntVector index, IntVector low, IntVector high) {
        IntVector bits = LANES == 16 ? index.selectFrom(low) : index.selectFrom(low, high);
        return bits.reinterpretAsFloats();
    }

    /**
     * Half of a table ({@link Table#low()} or {@link Table#high()}) with every entry times
     * {@code scale}. Looking up in it gives table[i]·scale with the same bits as looking up and
     * then multiplying, so a block's scale costs one multiply per block instead of one per vector.
     * The halves stay separate vectors, not a new {@link Table}: vectors passed around inside a
     * record in the decoders' hot loops risk being boxed.
     */
    public static IntVector scaled(IntVector half, float scale) {
        return half.reinterpretAsFloats().mul(scale).reinterpretAsInts();
    }
}
