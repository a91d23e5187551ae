package dev.lowrank4j.io.onnx;

/** The all-MiniLM-L6-v2 export from langchain4j's jar, decoded once per test JVM. */
final class RealModel {
    static final String RESOURCE = "all-minilm-l6-v2.onnx";

    private RealModel() {}

    private static final class Holder {
        static final OnnxModel MODEL = OnnxModelReader.readResource(RESOURCE);
    }

    static OnnxModel get() {
        return Holder.MODEL;
    }

    static byte[] bytes() throws java.io.IOException {
        try (var in = RealModel.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            return in.readAllBytes();
        }
    }
}
