package dev.lowrank4j.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes NodeProto and its AttributeProtos. */
final class NodeProtoDecoder {
    private NodeProtoDecoder() {}

    static OnnxNode read(CodedInputStream in) throws IOException {
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
        String[] nameOpDomain = {"", "", ""};
        ProtoMessages.embedded(in, (s, field, wireType) -> {
            switch (field) {
                case OnnxFields.NODE_INPUT -> inputs.add(s.readString());
                case OnnxFields.NODE_OUTPUT -> outputs.add(s.readString());
                case OnnxFields.NODE_NAME -> nameOpDomain[0] = s.readString();
                case OnnxFields.NODE_OP_TYPE -> nameOpDomain[1] = s.readString();
                case OnnxFields.NODE_DOMAIN -> nameOpDomain[2] = s.readString();
                case OnnxFields.NODE_ATTRIBUTE -> {
                    OnnxAttribute a = readAttribute(s);
                    attributes.put(a.name(), a);
                }
                default -> {
                    return false;
                }
            }
            return true;
        });
        return new OnnxNode(nameOpDomain[0], nameOpDomain[1], nameOpDomain[2], inputs, outputs, attributes);
    }

    private static OnnxAttribute readAttribute(CodedInputStream in) throws IOException {
        var a = new Object() {
            String name = "", s = "";
            long i;
            float f;
            final List<Long> ints = new ArrayList<>();
            final List<Float> floats = new ArrayList<>();
            OnnxTensor tensor;
        };
        ProtoMessages.embedded(in, (s, field, wireType) -> {
            switch (field) {
                case OnnxFields.ATTR_NAME -> a.name = s.readString();
                case OnnxFields.ATTR_I -> a.i = s.readInt64();
                case OnnxFields.ATTR_F -> a.f = s.readFloat();
                case OnnxFields.ATTR_S -> a.s = s.readString();
                case OnnxFields.ATTR_T -> a.tensor = TensorProtoDecoder.read(s);
                case OnnxFields.ATTR_INTS -> {
                    if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int old = ProtoMessages.pushLength(s);
                        while (s.getBytesUntilLimit() > 0) a.ints.add(s.readInt64());
                        s.popLimit(old);
                    } else {
                        a.ints.add(s.readInt64());
                    }
                }
                case OnnxFields.ATTR_FLOATS -> {
                    if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int old = ProtoMessages.pushLength(s);
                        while (s.getBytesUntilLimit() > 0) a.floats.add(s.readFloat());
                        s.popLimit(old);
                    } else {
                        a.floats.add(s.readFloat());
                    }
                }
                default -> {
                    return false;
                }
            }
            return true;
        });
        return new OnnxAttribute(a.name, a.i, a.f, a.s, a.ints, a.floats, a.tensor);
    }
}
