package dev.lowrank4j.io.onnx;

import com.google.protobuf.CodedInputStream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes GraphProto: nodes, initializers, inputs and outputs. */
final class GraphProtoDecoder {
    private GraphProtoDecoder() {}

    static OnnxGraph read(CodedInputStream in) throws IOException {
        var g = new Object() {
            String name = "";
            final List<OnnxNode> nodes = new ArrayList<>();
            final Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
            final List<OnnxValueInfo> inputs = new ArrayList<>();
            final List<OnnxValueInfo> outputs = new ArrayList<>();
        };
        ProtoMessages.embedded(in, (s, field, wireType) -> {
            switch (field) {
                case OnnxFields.GRAPH_NODE -> g.nodes.add(NodeProtoDecoder.read(s));
                case OnnxFields.GRAPH_NAME -> g.name = s.readString();
                case OnnxFields.GRAPH_INITIALIZER -> {
                    OnnxTensor t = TensorProtoDecoder.read(s);
                    if (g.initializers.put(t.name(), t) != null) {
                        throw new MalformedOnnxException("initializer '" + t.name() + "' appears twice");
                    }
                }
                case OnnxFields.GRAPH_INPUT -> g.inputs.add(ValueInfoDecoder.read(s));
                case OnnxFields.GRAPH_OUTPUT -> g.outputs.add(ValueInfoDecoder.read(s));
                default -> {
                    return false;
                }
            }
            return true;
        });
        // Old exporters list every initializer as a graph input too; those are weights, not inputs.
        g.inputs.removeIf(v -> g.initializers.containsKey(v.name()));
        return new OnnxGraph(g.name, g.nodes, g.initializers, g.inputs, g.outputs);
    }
}
