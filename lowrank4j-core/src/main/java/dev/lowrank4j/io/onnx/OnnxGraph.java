package dev.lowrank4j.io.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A decoded GraphProto: nodes in file (topological) order, initializers by name in file order, and
 * the graph's declared inputs and outputs (initializers that some exporters also list as inputs are
 * left out of {@link #inputs()}).
 */
public record OnnxGraph(String name, List<OnnxNode> nodes, Map<String, OnnxTensor> initializers,
                        List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs) {
    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(initializers));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The nodes that read the value {@code valueName}, in graph order. */
    public List<OnnxNode> consumers(String valueName) {
        List<OnnxNode> out = new ArrayList<>();
        for (OnnxNode n : nodes) if (n.inputs().contains(valueName)) out.add(n);
        return out;
    }

    /** The node that writes {@code valueName}, or null for graph inputs and initializers. */
    public OnnxNode producer(String valueName) {
        for (OnnxNode n : nodes) if (n.outputs().contains(valueName)) return n;
        return null;
    }
}
