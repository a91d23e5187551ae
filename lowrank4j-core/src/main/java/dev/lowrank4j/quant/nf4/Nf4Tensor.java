package dev.lowrank4j.quant.nf4;

import dev.lowrank4j.kernels.PackedMatrix;
import dev.lowrank4j.quant.CodeLanes;
import dev.lowrank4j.quant.QuantizedTensor;
import dev.lowrank4j.quant.Shapes2d;
import dev.lowrank4j.tensor.Tensor;
import java.util.Arrays;
import dev.lowrank4j.kernels.Lanes;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * A tensor in bitsandbytes' NF4 layout: the row-major values are cut into blocks of
 * {@link #blocksize()} (the last one may be partial), each block has one absmax scale, and every
 * value is a 4-bit index into {@link Nf4Code}, two per byte, the first element in the high
 * nibble (an odd count pads the last low nibble with the code of 0). Value i dequantizes to
 * {@code code[index(i)] · absmax(i / blocksize)} in float32.
 *
 * <p>Create with {@link #quantize}; the arrays passed to the constructor are held, not copied.
 */
public final class Nf4Tensor implements QuantizedTensor {
    private static final CodeLanes.Table CODE_TABLE = CodeLanes.table(Nf4Code.VALUES);
    /** Elements decoded per vector step (16 or 32; a divisor of every block size). */
    private static final int STEP = 2 * CodeLanes.LANES;

    private final int[] shape;
    private final int numel;
    private final int rows;
    private final int cols;
    private final int blocksize;
    /** log2(blocksize): block sizes are powers of two. */
    private final int blockShift;
    private final byte[] codes;
    private final Nf4Scales scales;

    /**
     * @param codes  (numel + 1) / 2 packed bytes
     * @param scales one scale per block of blocksize values
     */
    public Nf4Tensor(int[] shape, int blocksize, byte[] codes, Nf4Scales scales) {
        this.shape = shape.clone();
        this.numel = Shapes2d.numel(shape);
        this.rows = Shapes2d.rows(shape);
        this.cols = Shapes2d.cols(shape);
        if (!Nf4Options.isSupported(blocksize)) throw new IllegalArgumentException("blocksize " + blocksize);
        this.blocksize = blocksize;
        this.blockShift = Integer.numberOfTrailingZeros(blocksize);
        if (codes.length != packedBytes(numel)) {
            throw new IllegalArgumentException(Arrays.toString(shape) + " needs " + packedBytes(numel)
                    + " packed bytes, got " + codes.length);
        }
        if (scales.blocks() != Blockwise.blocks(numel, blocksize)) {
            throw new IllegalArgumentException(Arrays.toString(shape) + " in blocks of " + blocksize + " needs "
                    + Blockwise.blocks(numel, blocksize) + " scales, got " + scales.blocks());
        }
        this.codes = codes;
        this.scales = scales;
    }

    /** Quantizes row-major values of the given shape; NaN or infinite values are a one-line error. */
    public static Nf4Tensor quantize(float[] values, int[] shape, Nf4Options options) {
        return Nf4Quantizer.quantize(values, shape, options, "a tensor of shape " + Arrays.toString(shape));
    }

    /** As {@link #quantize(float[], int[], Nf4Options)}; errors name the tensor. */
    public static Nf4Tensor quantize(String name, Tensor t, Nf4Options options) {
        return Nf4Quantizer.quantize(t.data, t.shape(), options, name);
    }

    /** Bytes holding n packed 4-bit codes. */
    public static int packedBytes(int n) {
        return (int) (((long) n + 1) / 2);
    }

    @Override
    public String format() {
        return "nf4";
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int numel() {
        return numel;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    public int blocksize() {
        return blocksize;
    }

    public Nf4Options options() {
        return new Nf4Options(blocksize, scales instanceof Nf4Scales.DoubleQuantized);
    }

    /** The packed codes, held by reference: do not modify. */
    public byte[] codes() {
        return codes;
    }

    public Nf4Scales scales() {
        return scales;
    }

    /** The 4-bit code index of element i (row-major). */
    public int codeIndex(int i) {
        int b = codes[i >> 1];
        return (i & 1) == 0 ? (b >> 4) & 0xF : b & 0xF;
    }

    @Override
    public long bytes() {
        return codes.length + scales.bytes();
    }

    @Override
    public float[] dequantize() {
        float[] out = new float[numel];
        unpackFlat(0, numel, out, 0, CodeLanes.AVAILABLE);
        return out;
    }

    @Override
    public Nf4Tensor requantize(float[] values) {
        return Nf4Quantizer.quantize(values, shape, options(), "a tensor of shape " + Arrays.toString(shape));
    }

    @Override
    public void unpackRow(int row, int col, int len, float[] dst, int dstOff) {
        if (row < 0 || row >= rows || col < 0 || len < 0 || col + len > cols) {
            throw new IndexOutOfBoundsException("row " + row + " cols " + col + "+" + len + " of " + rows + "×" + cols);
        }
        unpackFlat(row * cols + col, len, dst, dstOff, CodeLanes.AVAILABLE);
    }

    /**
     * dst[d ..] = values f .. f+len (row-major). With {@code vector}, the aligned middle goes
     * through the vector decoder in steps of {@link #STEP} elements, which never cross a block
     * (block sizes are powers of two ≥ 32), looking a block's scale up once; the ends, and
     * everything without {@code vector}, go element by element, one block at a time.
     */
    void unpackFlat(int f, int len, float[] dst, int d, boolean vector) {
        int end = f + len;
        if (vector) {
            int head = Math.min(end, (f + STEP - 1) & -STEP);
            d = unpackScalar(f, head, dst, d);
            f = head;
            int block = -1;
            float scale = 0f;
            for (; f + STEP <= end; f += STEP, d += STEP) {
                int b = f >>> blockShift;
                if (b != block) {
                    block = b;
                    scale = scales.scale(b);
                }
                decodeStep(f >> 1, scale, dst, d);
            }
        }
        unpackScalar(f, end, dst, d);
    }

    /**
     * The row's dot product with x, decoded in registers: the same products (code·absmax, then
     * times x, fused) in the same order as unpacking the row and calling the float dot product
     * (two accumulators over steps of {@link #STEP}, summed, then the scalar ends), so the result
     * is the same bits as that default, only without storing the row.
     */
    @Override
    public float dotRow(int row, float[] x, int xOff, float[] scratch) {
        if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        int start = row * cols, end = start + cols;
        if (!CodeLanes.FUSED_DOT || (start & (STEP - 1)) != 0) return QuantizedTensor.super.dotRow(row, x, xOff, scratch);
        int shift = xOff - start; // x index of flat element f
        FloatVector acc0 = FloatVector.zero(CodeLanes.FLOATS), acc1 = acc0;
        int f = start;
        while (f + STEP <= end) { // one block at a time (blocks are whole steps, ≥ 32 elements)
            int block = f >>> blockShift, blockEnd = (int) Math.min(end, (long) (block + 1) << blockShift);
            // The code table times the block's absmax: one multiply per block, not one per vector
            // (lookup-then-multiply and multiply-then-lookup give the same bits). Computed at the
            // top of a block, not swapped in inside the step loop: a vector local merged with a
            // table loaded from a field is boxed on every step.
            float scale = scales.scale(block);
            IntVector low = CodeLanes.scaled(CODE_TABLE.low(), scale);
            IntVector high = CodeLanes.LANES == 16 ? low : CodeLanes.scaled(CODE_TABLE.high(), scale);
            for (; f + STEP <= blockEnd; f += STEP) {
                ByteVector bytes = CodeLanes.load(codes, f >> 1);
                FloatVector w0 = CodeLanes.lookup(CodeLanes.nibbles(bytes, false), low, high);
                FloatVector w1 = CodeLanes.lookup(CodeLanes.nibbles(bytes, true), low, high);
                acc0 = w0.fma(FloatVector.fromArray(CodeLanes.FLOATS, x, f + shift), acc0);
                acc1 = w1.fma(FloatVector.fromArray(CodeLanes.FLOATS, x, f + shift + CodeLanes.LANES), acc1);
            }
        }
        float sum = f > start ? Lanes.sum(acc0.add(acc1)) : 0f;
        for (; f < end; f++) sum += valueAt(f) * x[f + shift];
        return sum;
    }

    /**
     * Any row: the steps of {@link #dotRowSplit} sit on the flat grid of {@link #STEP} elements,
     * which never straddles a block, and the elements of a row before its first whole step or
     * after its last go one by one. So rows that straddle blocks (the 60M model's 1376 columns in
     * blocks of 64), rows that start mid-step (the 350M model's 2736) and rows of odd length,
     * every other one starting on a low nibble (the 1B model's 5461), all take it.
     */
    @Override
    public boolean splitsInput() {
        return CodeLanes.FUSED_DOT;
    }

    /**
     * {@link #dotRow} with x split into even and odd elements: each step's bytes widened once, no
     * rearrange. One flat loop over the row's whole steps, every array index affine in the step
     * number, so C2 hoists the bounds checks out of the loop (a loop nested per block did not: at
     * 16 lanes a block of 64 is two steps, and it ran seven checks and a stack reload per block).
     * The block's scale is looked up again at every step, which costs less than a branch.
     */
    @Override
    public float dotRowSplit(int row, float[] split) {
        if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        if (!splitsInput()) throw new IllegalStateException(this + " does not take a split input");
        int start = row * cols, end = start + cols;
        int head = Math.min(end, (start + STEP - 1) & -STEP), steps = (end - head) / STEP, tail = head + steps * STEP;
        // A step's high nibbles are elements j, j+2, ... of the row (j its first), its low ones
        // j+1, j+3, ...: each a run in the split input, from j's and from j+1's place.
        int j = head - start, highX = PackedMatrix.splitIndex(j, cols), lowX = PackedMatrix.splitIndex(j + 1, cols);
        int byteOff = head >> 1;
        FloatVector acc0 = FloatVector.zero(CodeLanes.FLOATS), acc1 = acc0;
        for (int q = 0; q < steps; q++) {
            float scale = scales.scale((head + q * STEP) >>> blockShift);
            IntVector low = CodeLanes.scaled(CODE_TABLE.low(), scale);
            IntVector high = CodeLanes.LANES == 16 ? low : CodeLanes.scaled(CODE_TABLE.high(), scale);
            int xq = q * CodeLanes.LANES;
            IntVector bytes = CodeLanes.widen(CodeLanes.load(codes, byteOff + xq));
            acc0 = CodeLanes.lookup(CodeLanes.highNibbles(bytes), low, high).fma(FloatVector.fromArray(CodeLanes.FLOATS, split, highX + xq), acc0);
            acc1 = CodeLanes.lookup(CodeLanes.lowNibbles(bytes), low, high).fma(FloatVector.fromArray(CodeLanes.FLOATS, split, lowX + xq), acc1);
        }
        float sum = Lanes.sum(acc0.add(acc1));
        for (int f = start; f < head; f++) sum += valueAt(f) * split[PackedMatrix.splitIndex(f - start, cols)];
        for (int f = tail; f < end; f++) sum += valueAt(f) * split[PackedMatrix.splitIndex(f - start, cols)];
        return sum;
    }

    /** The dequantized value of flat element f. */
    private float valueAt(int f) {
        return Nf4Code.VALUES[codeIndex(f)] * scales.scale(f >>> blockShift);
    }

    /** Values f .. end into dst from d, one block's scale at a time; returns the next d. */
    private int unpackScalar(int f, int end, float[] dst, int d) {
        while (f < end) {
            int block = f >>> blockShift;
            int blockEnd = (int) Math.min(end, (long) (block + 1) << blockShift);
            float scale = scales.scale(block);
            for (; f < blockEnd; f++) dst[d++] = Nf4Code.VALUES[codeIndex(f)] * scale;
        }
        return d;
    }

    private void decodeStep(int byteOff, float scale, float[] dst, int d) {
        ByteVector bytes = CodeLanes.load(codes, byteOff);
        CodeLanes.lookup(CodeLanes.nibbles(bytes, false), CODE_TABLE).mul(scale).intoArray(dst, d);
        CodeLanes.lookup(CodeLanes.nibbles(bytes, true), CODE_TABLE).mul(scale).intoArray(dst, d + CodeLanes.LANES);
    }

    @Override
    public String toString() {
        return "Nf4Tensor" + Arrays.toString(shape) + " blocksize " + blocksize
                + (scales instanceof Nf4Scales.DoubleQuantized ? " double-quantized" : "");
    }
}
