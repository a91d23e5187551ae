package dev.lowrank4j.io.onnx;

import com.google.protobuf.CodedInputStream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Decodes ValueInfoProto down to the tensor element type and shape (other types keep type 0). */
final class ValueInfoDecoder {
    private static final String UNKNOWN_DIM = "?";

    private ValueInfoDecoder() {}

    static OnnxValueInfo read(CodedInputStream in) throws IOException {
        var v = new Object() {
            String name = "";
            int elementType;
            final List<String> dims = new ArrayList<>();
        };
        ProtoMessages.embedded(in, (s, field, wireType) -> {
            if (field == OnnxFields.VALUE_INFO_NAME) {
                v.name = s.readString();
            } else if (field == OnnxFields.VALUE_INFO_TYPE) {
                ProtoMessages.embedded(s, (t, typeField, w1) -> {
                    if (typeField != OnnxFields.TYPE_TENSOR) return false;
                    ProtoMessages.embedded(t, (u, tensorField, w2) -> {
                        if (tensorField == OnnxFields.TYPE_TENSOR_ELEM_TYPE) {
                            v.elementType = u.readInt32();
                        } else if (tensorField == OnnxFields.TYPE_TENSOR_SHAPE) {
                            ProtoMessages.embedded(u, (x, shapeField, w3) -> {
                                if (shapeField != OnnxFields.SHAPE_DIM) return false;
                                v.dims.add(readDim(x));
                                return true;
                            });
                        } else {
                            return false;
                        }
                        return true;
                    });
                    return true;
                });
            } else {
                return false;
            }
            return true;
        });
        return new OnnxValueInfo(v.name, v.elementType, v.dims);
    }

    private static String readDim(CodedInputStream in) throws IOException {
        String[] dim = {UNKNOWN_DIM};
        ProtoMessages.embedded(in, (s, field, wireType) -> {
            if (field == OnnxFields.DIM_VALUE) dim[0] = Long.toString(s.readInt64());
            else if (field == OnnxFields.DIM_PARAM) dim[0] = s.readString();
            else return false;
            return true;
        });
        return dim[0];
    }
}
