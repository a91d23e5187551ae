package dev.lowrank4j.io.onnx;

import com.google.protobuf.CodedInputStream;
import dev.lowrank4j.Lowrank4jException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an ONNX model file (ModelProto) with protobuf's {@link CodedInputStream}, decoding the
 * fields this library needs by tag (no generated classes). The whole file is read into memory once
 * and tensors are decoded straight from it, which for the 90 MB all-MiniLM-L6-v2 export takes well
 * under a second.
 *
 * <p>Any malformed input (truncated, garbage, inconsistent sizes) becomes one
 * {@link Lowrank4jException} with the message {@code "<source>: not a valid ONNX model (<why>)"}.
 */
public final class OnnxModelReader {
    /** Longest reason kept from a decoder message, so the error stays one readable line. */
    private static final int MAX_REASON_CHARS = 160;

    private OnnxModelReader() {}

    public static OnnxModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": cannot read the ONNX model (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        return read(bytes, file.toString());
    }

    /** Reads a model from a class-path resource, e.g. {@code all-minilm-l6-v2.onnx}. */
    public static OnnxModel readResource(String resource) {
        ClassLoader loader = OnnxModelReader.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) throw new Lowrank4jException("class-path resource " + resource + " not found");
            return read(in.readAllBytes(), "classpath:" + resource);
        } catch (IOException e) {
            throw new Lowrank4jException("classpath:" + resource + ": cannot read the ONNX model (" + e.getMessage() + ")");
        }
    }

    /** Decodes the bytes of a model; {@code source} names it in error messages. */
    public static OnnxModel read(byte[] bytes, String source) {
        try {
            return decode(bytes, source);
        } catch (IOException | RuntimeException e) {
            // Protobuf exceptions, our own MalformedOnnxException and any index or arithmetic failure
            // from inconsistent lengths all mean the same thing to a user: this file is not usable.
            throw new Lowrank4jException(source + ": not a valid ONNX model (" + reason(e) + ")");
        }
    }

    private static OnnxModel decode(byte[] bytes, String source) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.enableAliasing(true); // raw_data slices point into the array instead of being copied
        in.setSizeLimit(Integer.MAX_VALUE);
        var m = new Object() {
            long irVersion;
            String producer = "", producerVersion = "";
            long opset;
            OnnxGraph graph;
        };
        ProtoMessages.fields(in, (s, field, wireType) -> {
            switch (field) {
                case OnnxFields.MODEL_IR_VERSION -> m.irVersion = s.readInt64();
                case OnnxFields.MODEL_PRODUCER_NAME -> m.producer = s.readString();
                case OnnxFields.MODEL_PRODUCER_VERSION -> m.producerVersion = s.readString();
                case OnnxFields.MODEL_GRAPH -> m.graph = GraphProtoDecoder.read(s);
                case OnnxFields.MODEL_OPSET_IMPORT -> {
                    long[] version = readOpset(s);
                    if (version != null) m.opset = version[0];
                }
                default -> {
                    return false;
                }
            }
            return true;
        });
        if (m.irVersion <= 0) throw new MalformedOnnxException("no ir_version");
        if (m.graph == null) throw new MalformedOnnxException("no graph");
        if (m.graph.nodes().isEmpty()) throw new MalformedOnnxException("the graph has no nodes");
        return new OnnxModel(source, m.irVersion, m.producer, m.producerVersion, m.opset, m.graph);
    }

    /** Returns {version} for the default operator set, null for other domains. */
    private static long[] readOpset(CodedInputStream in) throws IOException {
        var o = new Object() {
            String domain = "";
            long version;
        };
        ProtoMessages.embedded(in, (s, field, wireType) -> {
            if (field == OnnxFields.OPSET_DOMAIN) o.domain = s.readString();
            else if (field == OnnxFields.OPSET_VERSION) o.version = s.readInt64();
            else return false;
            return true;
        });
        return o.domain.isEmpty() || o.domain.equals("ai.onnx") ? new long[]{o.version} : null;
    }

    /** The first sentence of the failure, on one line: protobuf's messages run to several sentences. */
    private static String reason(Exception e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) return e.getClass().getSimpleName();
        msg = msg.replaceAll("\\s+", " ").trim();
        int stop = msg.indexOf(". ");
        if (stop > 0) msg = msg.substring(0, stop);
        if (msg.length() > MAX_REASON_CHARS) msg = msg.substring(0, MAX_REASON_CHARS) + "…";
        return msg;
    }
}
