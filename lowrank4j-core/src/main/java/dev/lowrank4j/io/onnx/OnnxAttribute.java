package dev.lowrank4j.io.onnx;

import java.util.List;

/**
 * The parts of a node attribute this library reads: scalar int/float/string, int and float lists,
 * and a tensor (a Constant's {@code value}). Fields the attribute does not set are 0, empty or null.
 */
public record OnnxAttribute(String name, long i, float f, String s, List<Long> ints, List<Float> floats,
                            OnnxTensor tensor) {
    public OnnxAttribute {
        ints = List.copyOf(ints);
        floats = List.copyOf(floats);
    }
}
