package dev.lowrank4j.io.onnx;

/**
 * A decoded ModelProto: format metadata and the main graph. {@code opsetVersion} is the version of
 * the default ("" or "ai.onnx") operator set, 0 when the file does not say.
 */
public record OnnxModel(String source, long irVersion, String producerName, String producerVersion,
                        long opsetVersion, OnnxGraph graph) {
}
