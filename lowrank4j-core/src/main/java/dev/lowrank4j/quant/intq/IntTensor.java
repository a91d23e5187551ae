package dev.lowrank4j.quant.intq;

import dev.lowrank4j.kernels.Lanes;
import dev.lowrank4j.kernels.PackedMatrix;
import dev.lowrank4j.quant.CodeLanes;
import dev.lowrank4j.quant.FiniteValues;
import dev.lowrank4j.quant.QuantizedTensor;
import dev.lowrank4j.quant.Shapes2d;
import dev.lowrank4j.tensor.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A tensor in affine INT4 or INT8 (see {@link IntOptions}), seen as a matrix [rows, cols]: group g
 * of row r covers columns g·G .. (g+1)·G, with scale {@code scales[r·groupsPerRow + g]} and zero
 * point {@code zeros[...]} (unsigned), and value (r, c) dequantizes to {@code scale·(q − zero)} in
 * float32. Codes are unsigned, {@code bits} wide, and stored row-major over the whole tensor as
 * one {@link CodeStream} (INT8: a byte each; INT4: two per byte, the first element in the high
 * nibble; INT3: eight per three bytes); the last byte's unused bits are 0, never read.
 *
 * <p>Create with {@link #quantize}; the arrays passed to the constructor are held, not copied.
 */
public final class IntTensor implements QuantizedTensor {
    private final int[] shape;
    private final int numel;
    private final int rows;
    private final int cols;
    private final IntOptions options;
    private final int groupLength;
    private final int groupsPerRow;
    private final byte[] codes;
    private final float[] scales;
    private final byte[] zeros;

    /**
     * @param codes  {@link CodeStream#bytesFor} numel codes of the options' bits
     * @param scales one per group
     * @param zeros  one unsigned zero point per group; null for the symmetric scheme's fixed zero
     */
    public IntTensor(int[] shape, IntOptions options, byte[] codes, float[] scales, byte[] zeros) {
        this.shape = shape.clone();
        this.numel = Shapes2d.numel(shape);
        this.rows = Shapes2d.rows(shape);
        this.cols = Shapes2d.cols(shape);
        this.options = options;
        this.groupLength = options.groupLength(cols);
        this.groupsPerRow = (int) (((long) cols + groupLength - 1) / groupLength);
        if (codes.length != CodeStream.bytesFor(numel, options.bits()) || scales.length != (long) rows * groupsPerRow
                || (zeros == null) != options.symmetric() || zeros != null && zeros.length != scales.length) {
            throw new IllegalArgumentException("inconsistent INT" + options.bits() + " tensor " + Arrays.toString(shape)
                    + ": " + codes.length + " code bytes, " + scales.length + " scales, "
                    + (zeros == null ? "no" : zeros.length) + " zero points");
        }
        this.codes = codes;
        this.scales = scales;
        this.zeros = zeros;
    }

    /** Quantizes row-major values of the given shape; NaN or infinite values are a one-line error. */
    public static IntTensor quantize(float[] values, int[] shape, IntOptions options) {
        return quantize(values, shape, options, "a tensor of shape " + Arrays.toString(shape));
    }

    /** As {@link #quantize(float[], int[], IntOptions)}; errors name the tensor. */
    public static IntTensor quantize(String name, Tensor t, IntOptions options) {
        return quantize(t.data, t.shape(), options, name);
    }

    private static IntTensor quantize(float[] values, int[] shape, IntOptions options, String what) {
        if (Shapes2d.numel(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
        }
        FiniteValues.require(values, what);
        return IntQuantizer.quantize(values, shape, options);
    }

    @Override
    public String format() {
        return "int" + options.bits();
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

    public IntOptions options() {
        return options;
    }

    /** Values per group (the row length for {@link IntOptions#WHOLE_ROW}). */
    public int groupLength() {
        return groupLength;
    }

    /** Scale of the group holding (row, col). */
    public float scale(int row, int col) {
        return scales[row * groupsPerRow + col / groupLength];
    }

    /** Zero point of the group holding (row, col). */
    public int zero(int row, int col) {
        return zeros == null ? options.symmetricZero() : zeros[row * groupsPerRow + col / groupLength] & 0xFF;
    }

    /** The unsigned code of element i (row-major). */
    public int code(int i) {
        return CodeStream.get(codes, i, options.bits());
    }

    /** The packed codes as stored (held, not copied: do not modify). */
    public byte[] packedCodes() {
        return codes;
    }

    @Override
    public long bytes() {
        return codes.length + 4L * scales.length + (zeros == null ? 0 : zeros.length);
    }

    @Override
    public float[] dequantize() {
        float[] out = new float[numel];
        for (int r = 0; r < rows; r++) unpack(r, 0, cols, out, r * cols, CodeLanes.AVAILABLE);
        return out;
    }

    @Override
    public IntTensor requantize(float[] values) {
        return quantize(values, shape, options);
    }

    @Override
    public void unpackRow(int row, int col, int len, float[] dst, int dstOff) {
        if (row < 0 || row >= rows || col < 0 || len < 0 || col + len > cols) {
            throw new IndexOutOfBoundsException("row " + row + " cols " + col + "+" + len + " of " + rows + "×" + cols);
        }
        unpack(row, col, len, dst, dstOff, CodeLanes.AVAILABLE);
    }

    /** One group at a time; inside a group, LANES values per vector step where the bytes allow. */
    void unpack(int row, int col, int len, float[] dst, int d, boolean vector) {
        int end = col + len;
        while (col < end) {
            int groupEnd = (int) Math.min(end, ((long) col / groupLength + 1) * groupLength);
            float scale = scale(row, col);
            int zero = zero(row, col);
            int f = row * cols + col, fEnd = f + (groupEnd - col);
            if (vector) {
                // Scalar up to the first code that starts on a byte, then whole vectors.
                for (int align = CodeStream.byteAlignedEvery(options.bits()); f % align != 0 && f < fEnd; f++) {
                    dst[d++] = scale * (code(f) - zero);
                }
                for (; f + CodeLanes.LANES <= fEnd && vectorLoadFits(f); f += CodeLanes.LANES, d += CodeLanes.LANES) {
                    ((FloatVector) decode(f).sub(zero).convert(VectorOperators.I2F, 0)).mul(scale).intoArray(dst, d);
                }
            }
            for (; f < fEnd; f++) dst[d++] = scale * (code(f) - zero);
            col = groupEnd;
        }
    }

    /**
     * The row's dot product with x, decoded in registers: the same values as {@link #unpack}
     * (scale·(code − zero)) multiplied in the order of unpacking the row and calling the float dot
     * product (two accumulators over steps of 2·LANES, summed, then the scalar tail), so the same
     * bits as that default, only without storing the row. Steps must not straddle groups, rows
     * must start on a byte, and the row's last step must load inside the array; other layouts
     * take the default.
     */
    @Override
    public float dotRow(int row, float[] x, int xOff, float[] scratch) {
        if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        int step = 2 * CodeLanes.LANES, start = row * cols, end = start + cols;
        boolean fits = groupsPerRow == 1 || groupLength % step == 0;
        int lastStep = start + (cols / step - 1) * step;
        boolean loadsFit = cols < step || vectorLoadFits(options.bits() == 4 ? lastStep : lastStep + CodeLanes.LANES);
        if (!CodeLanes.FUSED_DOT || !fits || start % CodeStream.byteAlignedEvery(options.bits()) != 0 || !loadsFit) {
            return QuantizedTensor.super.dotRow(row, x, xOff, scratch);
        }
        int shift = xOff - start;
        FloatVector acc0 = FloatVector.zero(CodeLanes.FLOATS), acc1 = acc0;
        int f = start;
        // Codes of ≤ 4 bits index their group's 16-entry table of (c − zero)·scale: one lookup per
        // vector instead of a subtract, a conversion and a multiply (the same bits). One group at
        // a time, so the table is made at the top of a group and never merged into the step
        // loop's vector locals (a merged vector local is boxed on every step).
        boolean table = options.bits() <= 4;
        while (f + step <= end) {
            int g = (f - start) / groupLength, gi = row * groupsPerRow + g;
            int groupEnd = groupsPerRow == 1 ? end : Math.min(end, start + (g + 1) * groupLength);
            float scale = scales[gi];
            int zero = zeros == null ? options.symmetricZero() : zeros[gi] & 0xFF;
            if (table) {
                IntVector low = CodeLanes.affineTable(false, zero, scale);
                IntVector high = CodeLanes.LANES == 16 ? low : CodeLanes.affineTable(true, zero, scale);
                for (; f + step <= groupEnd; f += step) {
                    acc0 = CodeLanes.lookup(stepCodes(f, false), low, high).fma(FloatVector.fromArray(CodeLanes.FLOATS, x, f + shift), acc0);
                    acc1 = CodeLanes.lookup(stepCodes(f, true), low, high)
                            .fma(FloatVector.fromArray(CodeLanes.FLOATS, x, f + shift + CodeLanes.LANES), acc1);
                }
            } else {
                for (; f + step <= groupEnd; f += step) {
                    FloatVector w0 = ((FloatVector) stepCodes(f, false).sub(zero).convert(VectorOperators.I2F, 0)).mul(scale);
                    FloatVector w1 = ((FloatVector) stepCodes(f, true).sub(zero).convert(VectorOperators.I2F, 0)).mul(scale);
                    acc0 = w0.fma(FloatVector.fromArray(CodeLanes.FLOATS, x, f + shift), acc0);
                    acc1 = w1.fma(FloatVector.fromArray(CodeLanes.FLOATS, x, f + shift + CodeLanes.LANES), acc1);
                }
            }
        }
        float sum = f > start ? Lanes.sum(acc0.add(acc1)) : 0f;
        for (; f < end; f++) {
            int col = f - start;
            sum += scale(row, col) * (code(f) - zero(row, col)) * x[f + shift];
        }
        return sum;
    }

    /**
     * 4-bit codes with one group per row, of any length (a row's first element if it is a low
     * nibble and a tail shorter than a step go element by element: the 350M model's 2736 and the
     * 1B model's 5461 columns), or rows of whole vector steps in groups of whole steps.
     */
    @Override
    public boolean splitsInput() {
        int step = 2 * CodeLanes.LANES;
        return CodeLanes.FUSED_DOT && options.bits() == 4
                && (groupsPerRow == 1 || cols % step == 0 && groupLength % step == 0);
    }

    /**
     * With 8 lanes (AVX2) the codes are converted to floats instead of looked up in the group's
     * table: on an AVX2 Zen 1, whose lane-crossing permutes are slow, a one-thread row dot went
     * from 1.7 to 3.6 G weights/s and a 60M 4-bit decode step 2× faster. With 16 lanes the lookup
     * stays: that is the path measured on Zen 5 (21.6–26.3 G weights/s a thread); the conversion
     * was not measured there.
     */
    private static final boolean CONVERT_CODES = CodeLanes.LANES == 8;

    /** {@link #dotRow} with x split into even and odd elements: each step's bytes widened once, no rearrange. */
    @Override
    public float dotRowSplit(int row, float[] split) {
        return dotRowSplit(row, split, CONVERT_CODES);
    }

    /**
     * {@link #dotRowSplit(int, float[])} by one way or the other, both public so that tests hold
     * each to the contract on any machine: {@code convertCodes} false looks every code up in the
     * group's table of (c − zero)·scale; true converts c − zero to float and multiplies the
     * group's sum by its scale once (fewer roundings, not the same bits).
     */
    public float dotRowSplit(int row, float[] split, boolean convertCodes) {
        if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        if (!splitsInput()) throw new IllegalStateException(this + " does not take a split input");
        if (convertCodes) return dotRowSplitConverting(row, split);
        int step = 2 * CodeLanes.LANES, start = row * cols, head = byteStart(row), end = vectorEnd(row, step);
        int highX = PackedMatrix.splitIndex(head - start, cols), lowX = PackedMatrix.splitIndex(head - start + 1, cols);
        FloatVector acc0 = FloatVector.zero(CodeLanes.FLOATS), acc1 = acc0;
        for (int f = head, g = 0; f < end; g++) {
            int gi = row * groupsPerRow + g, groupEnd = groupsPerRow == 1 ? end : Math.min(end, start + (g + 1) * groupLength);
            int zero = zeros == null ? options.symmetricZero() : zeros[gi] & 0xFF;
            IntVector low = CodeLanes.affineTable(false, zero, scales[gi]);
            IntVector high = CodeLanes.LANES == 16 ? low : CodeLanes.affineTable(true, zero, scales[gi]);
            for (; f < groupEnd; f += step) {
                IntVector bytes = CodeLanes.widen(CodeLanes.load(codes, f >> 1));
                int xi = (f - head) >> 1;
                acc0 = CodeLanes.lookup(CodeLanes.highNibbles(bytes), low, high).fma(FloatVector.fromArray(CodeLanes.FLOATS, split, highX + xi), acc0);
                acc1 = CodeLanes.lookup(CodeLanes.lowNibbles(bytes), low, high).fma(FloatVector.fromArray(CodeLanes.FLOATS, split, lowX + xi), acc1);
            }
        }
        return Lanes.sum(acc0.add(acc1)) + splitEnds(row, head, end, split);
    }

    private float dotRowSplitConverting(int row, float[] split) {
        int step = 2 * CodeLanes.LANES, start = row * cols, head = byteStart(row), end = vectorEnd(row, step);
        int highX = PackedMatrix.splitIndex(head - start, cols), lowX = PackedMatrix.splitIndex(head - start + 1, cols);
        FloatVector total = FloatVector.zero(CodeLanes.FLOATS);
        for (int f = head, g = 0; f < end; g++) {
            int gi = row * groupsPerRow + g, groupEnd = groupsPerRow == 1 ? end : Math.min(end, start + (g + 1) * groupLength);
            int zero = zeros == null ? options.symmetricZero() : zeros[gi] & 0xFF;
            FloatVector acc0 = FloatVector.zero(CodeLanes.FLOATS), acc1 = acc0;
            for (; f < groupEnd; f += step) {
                IntVector bytes = CodeLanes.widen(CodeLanes.load(codes, f >> 1));
                int xi = (f - head) >> 1;
                acc0 = CodeLanes.toFloats(CodeLanes.highNibbles(bytes).sub(zero)).fma(FloatVector.fromArray(CodeLanes.FLOATS, split, highX + xi), acc0);
                acc1 = CodeLanes.toFloats(CodeLanes.lowNibbles(bytes).sub(zero)).fma(FloatVector.fromArray(CodeLanes.FLOATS, split, lowX + xi), acc1);
            }
            total = acc0.add(acc1).fma(FloatVector.broadcast(CodeLanes.FLOATS, scales[gi]), total);
        }
        return Lanes.sum(total) + splitEnds(row, head, end, split);
    }

    /** Where a split row's vector steps start: its first element that is a byte's high nibble. */
    private int byteStart(int row) {
        int start = row * cols;
        return Math.min(start + cols, start + (start & 1));
    }

    /** Where a split row's whole vector steps end (the row's end, but for a one-group row's tail). */
    private int vectorEnd(int row, int step) {
        int head = byteStart(row);
        return head + (row * cols + cols - head) / step * step;
    }

    /** Σ w·x over the row's elements before head and from end on, one by one, x split as {@link #dotRowSplit} takes it. */
    private float splitEnds(int row, int head, int end, float[] split) {
        int start = row * cols;
        float sum = 0f;
        for (int f = start; f < head; f++) sum += splitTerm(row, f - start, split);
        for (int f = end; f < start + cols; f++) sum += splitTerm(row, f - start, split);
        return sum;
    }

    private float splitTerm(int row, int j, float[] split) {
        return scale(row, j) * (code(row * cols + j) - zero(row, j)) * split[PackedMatrix.splitIndex(j, cols)];
    }

    /**
     * The codes of the first (or, with {@code second}, the next) LANES elements of the step at f.
     * 4-bit codes of both halves sit in the same LANES bytes, loaded once per half (the second
     * load of a step reads what the first just brought into L1).
     */
    private IntVector stepCodes(int f, boolean second) {
        if (options.bits() == 4) return CodeLanes.nibbles(CodeLanes.load(codes, f >> 1), second);
        return decode(second ? f + CodeLanes.LANES : f);
    }

    /** The LANES codes from element f on, which starts on a byte and whose load fits. */
    private IntVector decode(int f) {
        int w = options.bits();
        var bytes = CodeLanes.load(codes, CodeStream.byteOf(f, w));
        return switch (w) {
            case 8 -> CodeLanes.unsignedBytes(bytes);
            case 4 -> CodeLanes.nibbles(bytes, false);
            default -> CodeLanes.bitCodes(bytes, w);
        };
    }

    /** A vector step loads LANES bytes from the byte of its first code. */
    private boolean vectorLoadFits(int f) {
        return CodeStream.byteOf(f, options.bits()) + CodeLanes.LANES <= codes.length;
    }

    @Override
    public String toString() {
        return "IntTensor" + Arrays.toString(shape) + " " + format() + " group " + groupLength
                + (options.symmetric() ? " symmetric" : " asymmetric");
    }
}
