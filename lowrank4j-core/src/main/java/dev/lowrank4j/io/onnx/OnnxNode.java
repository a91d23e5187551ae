package dev.lowrank4j.io.onnx;

import java.util.List;
import java.util.Map;

/** One graph node: its name, operator, input and output value names, and attributes by name. */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, OnnxAttribute> attributes) {
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }
}
