package dev.lowrank4j.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes one TensorProto. Values may come as {@code raw_data} (little-endian bytes, what exporters
 * write for weights) or as the typed repeated fields, which the protobuf spec allows either packed
 * or one element per tag; both forms are accepted. The element count must match the dims.
 */
final class TensorProtoDecoder {
    private String name = "";
    private int dataType;
    private long[] dims = new long[0];
    private int dimCount;
    private ByteBuffer raw;
    private float[] floatData = new float[0];
    private int floatCount;
    private long[] longData = new long[0];
    private int longCount;
    private boolean external;

    private TensorProtoDecoder() {}

    /** Decodes a length-delimited TensorProto at the reader's position. */
    static OnnxTensor read(CodedInputStream in) throws IOException {
        TensorProtoDecoder d = new TensorProtoDecoder();
        ProtoMessages.embedded(in, d::field);
        return d.build();
    }

    private boolean field(CodedInputStream in, int field, int wireType) throws IOException {
        switch (field) {
            case OnnxFields.TENSOR_DIMS -> readLongs(in, wireType, true);
            case OnnxFields.TENSOR_DATA_TYPE -> dataType = in.readInt32();
            case OnnxFields.TENSOR_NAME -> name = in.readString();
            case OnnxFields.TENSOR_RAW_DATA -> {
                ProtoMessages.expectWireType(field, wireType, WireFormat.WIRETYPE_LENGTH_DELIMITED, "raw_data");
                raw = in.readByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            }
            case OnnxFields.TENSOR_FLOAT_DATA -> readFloats(in, wireType);
            case OnnxFields.TENSOR_INT64_DATA, OnnxFields.TENSOR_INT32_DATA -> readLongs(in, wireType, false);
            case OnnxFields.TENSOR_DATA_LOCATION -> external = in.readInt32() == OnnxFields.DATA_LOCATION_EXTERNAL;
            case OnnxFields.TENSOR_EXTERNAL_DATA -> {
                external = true;
                return false;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void readFloats(CodedInputStream in, int wireType) throws IOException {
        if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = ProtoMessages.pushLength(in);
            while (in.getBytesUntilLimit() > 0) addFloat(in.readFloat());
            in.popLimit(old);
        } else {
            ProtoMessages.expectWireType(OnnxFields.TENSOR_FLOAT_DATA, wireType, WireFormat.WIRETYPE_FIXED32, "float_data");
            addFloat(in.readFloat());
        }
    }

    /** Varint longs, packed or not; into dims or into the int64/int32 data. */
    private void readLongs(CodedInputStream in, int wireType, boolean intoDims) throws IOException {
        if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = ProtoMessages.pushLength(in);
            while (in.getBytesUntilLimit() > 0) addLong(in.readInt64(), intoDims);
            in.popLimit(old);
        } else {
            ProtoMessages.expectWireType(0, wireType, WireFormat.WIRETYPE_VARINT, "integer field");
            addLong(in.readInt64(), intoDims);
        }
    }

    private void addFloat(float v) {
        if (floatCount == floatData.length) floatData = Arrays.copyOf(floatData, Math.max(16, floatCount * 2));
        floatData[floatCount++] = v;
    }

    private void addLong(long v, boolean intoDims) {
        if (intoDims) {
            if (dimCount == dims.length) dims = Arrays.copyOf(dims, Math.max(4, dimCount * 2));
            dims[dimCount++] = v;
        } else {
            if (longCount == longData.length) longData = Arrays.copyOf(longData, Math.max(16, longCount * 2));
            longData[longCount++] = v;
        }
    }

    private OnnxTensor build() {
        if (external) throw new MalformedOnnxException("tensor '" + name + "' uses external data, which is not supported");
        long[] shape = Arrays.copyOf(dims, dimCount);
        long numel = 1;
        for (long d : shape) {
            if (d < 0) throw new MalformedOnnxException("tensor '" + name + "' has negative dimension " + d);
            numel = Math.multiplyExact(numel, d);
        }
        return switch (dataType) {
            case OnnxTensor.FLOAT -> new OnnxTensor(name, dataType, shape, floats(numel), null);
            case OnnxTensor.INT64 -> new OnnxTensor(name, dataType, shape, null, integers(numel, Long.BYTES));
            case OnnxTensor.INT32 -> new OnnxTensor(name, dataType, shape, null, integers(numel, Integer.BYTES));
            default -> new OnnxTensor(name, dataType, shape, null, null);
        };
    }

    private float[] floats(long numel) {
        if (raw != null) {
            checkCount(raw.remaining(), Math.multiplyExact(numel, Float.BYTES), "bytes of raw_data");
            float[] out = new float[(int) numel];
            raw.asFloatBuffer().get(out);
            return out;
        }
        checkCount(floatCount, numel, "float_data values");
        return Arrays.copyOf(floatData, floatCount);
    }

    private long[] integers(long numel, int width) {
        if (raw != null) {
            checkCount(raw.remaining(), Math.multiplyExact(numel, width), "bytes of raw_data");
            long[] out = new long[(int) numel];
            for (int i = 0; i < out.length; i++) out[i] = width == Long.BYTES ? raw.getLong(raw.position() + 8 * i)
                    : raw.getInt(raw.position() + 4 * i);
            return out;
        }
        checkCount(longCount, numel, "integer values");
        return Arrays.copyOf(longData, longCount);
    }

    private void checkCount(long actual, long expected, String what) {
        if (actual != expected) {
            throw new MalformedOnnxException("tensor '" + name + "' with dims " + Arrays.toString(Arrays.copyOf(dims, dimCount))
                    + " has " + actual + " " + what + ", expected " + expected);
        }
    }
}
