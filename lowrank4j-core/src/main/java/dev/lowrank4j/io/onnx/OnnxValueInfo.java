package dev.lowrank4j.io.onnx;

import java.util.List;

/**
 * A graph input or output: name, element type (TensorProto.DataType code, 0 when not a tensor) and
 * dims, each either a number or a symbolic name such as {@code batch_size} ("?" when unknown).
 */
public record OnnxValueInfo(String name, int elementType, List<String> dims) {
    public OnnxValueInfo {
        dims = List.copyOf(dims);
    }
}
