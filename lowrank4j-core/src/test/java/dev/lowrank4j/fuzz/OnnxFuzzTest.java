package dev.lowrank4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lowrank4j.io.onnx.OnnxModelReader;

/** The ONNX protobuf reader behind the MiniLM import: model, graph, nodes, attributes, tensors. */
class OnnxFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void model(byte[] bytes) {
        FuzzInputs.expectOnlyProjectErrors(() -> OnnxModelReader.read(bytes, "fuzz.onnx"));
    }
}
