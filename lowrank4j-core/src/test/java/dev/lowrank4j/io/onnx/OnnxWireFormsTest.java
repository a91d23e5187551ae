package dev.lowrank4j.io.onnx;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-made ONNX files covering the encodings the real export does not use: typed float_data
 * (packed and one value per tag), unpacked dims, int64_data, Gemm weights, and broken sizes.
 */
class OnnxWireFormsTest {
    // Field numbers written out again on purpose: the test must not trust the reader's constants.
    static final int MODEL_IR = 1, MODEL_GRAPH = 7, MODEL_OPSET = 8;
    static final int GRAPH_NODE = 1, GRAPH_INIT = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12;
    static final int NODE_IN = 1, NODE_OUT = 2, NODE_NAME = 3, NODE_OP = 4, NODE_ATTR = 5;
    static final int T_DIMS = 1, T_TYPE = 2, T_FLOATS = 4, T_INT64S = 7, T_NAME = 8, T_RAW = 9, T_LOCATION = 14;

    static ProtoWriter tensorHeader(String name, int type, long... dims) {
        ProtoWriter t = new ProtoWriter().string(T_NAME, name).varint(T_TYPE, type);
        for (long d : dims) t.varint(T_DIMS, d); // unpacked dims
        return t;
    }

    static ProtoWriter node(String name, String op, List<String> in, List<String> out) {
        ProtoWriter n = new ProtoWriter().string(NODE_NAME, name).string(NODE_OP, op);
        in.forEach(i -> n.string(NODE_IN, i));
        out.forEach(o -> n.string(NODE_OUT, o));
        return n;
    }

    static byte[] model(ProtoWriter graph) {
        return new ProtoWriter().varint(MODEL_IR, 8)
                .message(MODEL_OPSET, new ProtoWriter().varint(2, 17))
                .message(MODEL_GRAPH, graph).toByteArray();
    }

    /** x[?, 2] · W[2, 3] + b, then Gemm with a [3, 2] weight stored transposed (transB = 1). */
    static ProtoWriter smallGraph() {
        ProtoWriter g = new ProtoWriter().string(2, "tiny");
        g.message(GRAPH_NODE, node("/dense/MatMul", "MatMul", List.of("x", "onnx::MatMul_1"), List.of("m")));
        g.message(GRAPH_NODE, node("/dense/Add", "Add", List.of("m", "onnx::Add_2"), List.of("a")));
        g.message(GRAPH_NODE, node("/head/Gemm", "Gemm", List.of("a", "onnx::Gemm_3", "head.bias"), List.of("y"))
                .message(NODE_ATTR, new ProtoWriter().string(1, "transB").varint(3, 1)));
        // W [in 2, out 3] as packed float_data.
        g.message(GRAPH_INIT, tensorHeader("onnx::MatMul_1", 1, 2, 3).packedFloats(T_FLOATS, 1, 2, 3, 4, 5, 6));
        // Bias with one float per tag.
        g.message(GRAPH_INIT, tensorHeader("onnx::Add_2", 1, 3).fixed32Float(T_FLOATS, 0.5f)
                .fixed32Float(T_FLOATS, -1f).fixed32Float(T_FLOATS, 2f));
        // Gemm weight [out 2, in 3] as raw little-endian bytes.
        ByteBuffer raw = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[]{7, 8, 9, 10, 11, 12}) raw.putFloat(v);
        g.message(GRAPH_INIT, tensorHeader("onnx::Gemm_3", 1, 2, 3).bytes(T_RAW, raw.array()));
        g.message(GRAPH_INIT, tensorHeader("head.bias", 1, 2).packedFloats(T_FLOATS, 0, 1));
        g.message(GRAPH_INIT, tensorHeader("shape", 7, 2).packedVarints(T_INT64S, -1, 2));
        g.message(GRAPH_INPUT, new ProtoWriter().string(1, "x"));
        g.message(GRAPH_OUTPUT, new ProtoWriter().string(1, "y"));
        return g;
    }

    @Test
    void decodesEveryTensorEncoding() {
        OnnxModel m = OnnxModelReader.read(model(smallGraph()), "tiny.onnx");
        assertEquals(8, m.irVersion());
        assertEquals(17, m.opsetVersion());
        OnnxGraph g = m.graph();
        assertEquals(3, g.nodes().size());
        assertEquals(List.of("x"), g.inputs().stream().map(OnnxValueInfo::name).toList());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, g.initializers().get("onnx::MatMul_1").floats());
        assertArrayEquals(new float[]{0.5f, -1, 2}, g.initializers().get("onnx::Add_2").floats());
        assertArrayEquals(new float[]{7, 8, 9, 10, 11, 12}, g.initializers().get("onnx::Gemm_3").floats());
        assertArrayEquals(new long[]{-1, 2}, g.initializers().get("shape").longs());
        assertArrayEquals(new long[]{2, 3}, g.initializers().get("onnx::MatMul_1").dims());
        assertEquals(1, g.nodes().get(2).attributes().get("transB").i());
    }

    @Test
    void anonymousWeightsAreNamedByTheirConsumerAndTransposed() {
        Map<String, Tensor> w = OnnxBertExport.of(OnnxModelReader.read(model(smallGraph()), "tiny.onnx")).weights();
        assertEquals(List.of("dense.weight", "dense.bias", "head.weight", "head.bias"), List.copyOf(w.keySet()));
        assertArrayEquals(new int[]{3, 2}, w.get("dense.weight").shape());          // [out, in]
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, w.get("dense.weight").data); // transposed
        assertArrayEquals(new float[]{7, 8, 9, 10, 11, 12}, w.get("head.weight").data); // transB = 1: as stored
    }

    @Test
    void sizeMismatchNamesTheTensor() {
        ProtoWriter g = smallGraph();
        g.message(GRAPH_INIT, tensorHeader("short", 1, 4).packedFloats(T_FLOATS, 1, 2, 3));
        var e = assertThrows(Lowrank4jException.class, () -> OnnxModelReader.read(model(g), "bad.onnx"));
        assertEquals("bad.onnx: not a valid ONNX model (tensor 'short' with dims [4] has 3 float_data values, expected 4)",
                e.getMessage());
    }

    @Test
    void externalDataIsRefusedClearly() {
        ProtoWriter g = smallGraph();
        g.message(GRAPH_INIT, tensorHeader("far", 1, 1).varint(T_LOCATION, 1));
        var e = assertThrows(Lowrank4jException.class, () -> OnnxModelReader.read(model(g), "ext.onnx"));
        assertTrue(e.getMessage().contains("'far' uses external data"), e.getMessage());
    }

    @Test
    void wrongWireTypeIsAnError() {
        ProtoWriter g = smallGraph();
        g.message(GRAPH_INIT, tensorHeader("odd", 1, 1).varint(T_RAW, 5)); // raw_data as a varint
        var e = assertThrows(Lowrank4jException.class, () -> OnnxModelReader.read(model(g), "odd.onnx"));
        assertTrue(e.getMessage().startsWith("odd.onnx: not a valid ONNX model (raw_data"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
