package dev.lowrank4j.io.onnx;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds protobuf messages field by field, so tests can hand-craft ONNX files in every wire form. */
final class ProtoWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    ProtoWriter string(int field, String value) {
        return run(() -> out.writeString(field, value));
    }

    ProtoWriter varint(int field, long value) {
        return run(() -> out.writeInt64(field, value));
    }

    ProtoWriter fixed32Float(int field, float value) {
        return run(() -> out.writeFloat(field, value));
    }

    ProtoWriter message(int field, ProtoWriter message) {
        return run(() -> out.writeByteArray(field, message.toByteArray()));
    }

    ProtoWriter bytes(int field, byte[] value) {
        return run(() -> out.writeByteArray(field, value));
    }

    /** A packed repeated float field: one length-delimited run of fixed32 values. */
    ProtoWriter packedFloats(int field, float... values) {
        ProtoWriter inner = new ProtoWriter();
        for (float v : values) inner.run(() -> inner.out.writeFloatNoTag(v));
        return bytes(field, inner.toByteArray());
    }

    /** A packed repeated varint field. */
    ProtoWriter packedVarints(int field, long... values) {
        ProtoWriter inner = new ProtoWriter();
        for (long v : values) inner.run(() -> inner.out.writeInt64NoTag(v));
        return bytes(field, inner.toByteArray());
    }

    byte[] toByteArray() {
        run(out::flush);
        return bytes.toByteArray();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private ProtoWriter run(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
