package dev.lowrank4j.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;

/** Small wire-format helpers shared by the ONNX decoders. */
final class ProtoMessages {
    private ProtoMessages() {}

    /** Decodes the fields of one message until the current limit; readTag() returns 0 at the limit. */
    @FunctionalInterface
    interface FieldHandler {
        /** Handles one field; returns false when the field is not known (the caller skips it). */
        boolean handle(CodedInputStream in, int field, int wireType) throws IOException;
    }

    /** Reads a length-delimited embedded message, calling {@code handler} for each field. */
    static void embedded(CodedInputStream in, FieldHandler handler) throws IOException {
        int length = in.readRawVarint32();
        if (length < 0) throw new MalformedOnnxException("negative message length");
        int oldLimit = in.pushLimit(length);
        fields(in, handler);
        in.popLimit(oldLimit);
    }

    /** Reads fields until the end of the current limit (or of the input for the outermost message). */
    static void fields(CodedInputStream in, FieldHandler handler) throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag), wireType = WireFormat.getTagWireType(tag);
            if (!handler.handle(in, field, wireType)) {
                if (!in.skipField(tag)) throw new MalformedOnnxException("unexpected end-group tag");
            }
        }
    }

    /** Throws unless a field arrived with the wire type its schema declares. */
    static void expectWireType(int field, int wireType, int expected, String what) {
        if (wireType != expected) {
            throw new MalformedOnnxException(what + " (field " + field + ") has wire type " + wireType
                    + ", expected " + expected);
        }
    }

    /** Reads a length prefix and pushes it as the limit; returns the old limit for popLimit. */
    static int pushLength(CodedInputStream in) throws IOException {
        int length = in.readRawVarint32();
        if (length < 0) throw new MalformedOnnxException("negative length");
        return in.pushLimit(length);
    }
}
