package dev.lowrank4j.io.onnx;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;

import java.util.Arrays;

/**
 * A decoded ONNX TensorProto (a graph initializer or a Constant's value). Float tensors keep their
 * values as float32, INT64 and INT32 tensors as longs; other element types keep only name, type
 * and dims (nothing this library reads needs them).
 */
public final class OnnxTensor {
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;

    private final String name;
    private final int dataType;
    private final long[] dims;
    private final float[] floats;
    private final long[] longs;

    OnnxTensor(String name, int dataType, long[] dims, float[] floats, long[] longs) {
        this.name = name;
        this.dataType = dataType;
        this.dims = dims.clone();
        this.floats = floats;
        this.longs = longs;
    }

    public String name() {
        return name;
    }

    /** TensorProto.DataType code (1 = FLOAT, 7 = INT64, …). */
    public int dataType() {
        return dataType;
    }

    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long numel() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** The dims as a Java shape (they always fit: the values were held in one array). */
    public int[] shape() {
        int[] s = new int[dims.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(dims[i]);
        return s;
    }

    public boolean isFloat() {
        return floats != null;
    }

    /** The float32 values in row-major order (shared, do not modify). */
    public float[] floats() {
        if (floats == null) throw wrongType("FLOAT");
        return floats;
    }

    /** The integer values (INT64 or INT32) in row-major order (shared, do not modify). */
    public long[] longs() {
        if (longs == null) throw wrongType("INT64");
        return longs;
    }

    /** A tensor over a copy of the values with the same shape. */
    public Tensor toTensor() {
        return new Tensor(floats().clone(), shape());
    }

    private Lowrank4jException wrongType(String expected) {
        return new Lowrank4jException("ONNX tensor '" + name + "' has data type " + dataType + ", expected " + expected);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(dims) + "(type " + dataType + ")";
    }
}
