package dev.lowrank4j.io.onnx;

/**
 * Thrown by the decoders when the bytes are not a well-formed ONNX model. {@link OnnxModelReader}
 * turns it into a one-line {@link dev.lowrank4j.Lowrank4jException} that names the file.
 */
final class MalformedOnnxException extends RuntimeException {
    MalformedOnnxException(String message) {
        super(message, null, false, false);
    }
}
