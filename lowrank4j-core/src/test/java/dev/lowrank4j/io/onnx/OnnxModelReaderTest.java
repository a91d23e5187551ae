package dev.lowrank4j.io.onnx;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real all-MiniLM-L6-v2 export: graph structure and the Hugging Face view of its weights. */
class OnnxModelReaderTest {
    @Test
    void graphStructure() {
        OnnxModel m = RealModel.get();
        assertEquals("classpath:" + RealModel.RESOURCE, m.source());
        assertEquals(6, m.irVersion());
        assertEquals("pytorch", m.producerName());
        assertEquals(11, m.opsetVersion());
        OnnxGraph g = m.graph();
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), g.inputs().stream().map(OnnxValueInfo::name).toList());
        assertEquals(OnnxTensor.INT64, g.inputs().getFirst().elementType());
        assertEquals(new OnnxValueInfo("last_hidden_state", OnnxTensor.FLOAT, List.of("batch_size", "sequence_length", "384")),
                g.outputs().getFirst());
        assertEquals(637, g.nodes().size());
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxNode n : g.nodes()) ops.merge(n.opType(), 1, Integer::sum);
        assertEquals(48, ops.get("MatMul"));
        assertEquals(6, ops.get("Erf"));
        assertEquals(6, ops.get("Softmax"));
        long values = 0;
        for (OnnxTensor t : g.initializers().values()) values += t.numel();
        assertEquals(22_565_888, values);
        assertArrayEquals(new long[]{1, 512}, g.initializers().get("embeddings.position_ids").dims());
        assertEquals(511, g.initializers().get("embeddings.position_ids").longs()[511]);
    }

    @Test
    void weightsCarryHuggingFaceNamesAndLayouts() {
        OnnxBertExport export = OnnxBertExport.of(RealModel.get());
        Map<String, Tensor> w = export.weights();
        List<String> expected = new ArrayList<>(List.of("embeddings.word_embeddings.weight",
                "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
                "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
        for (int i = 0; i < 6; i++) {
            String p = "encoder.layer." + i + ".";
            for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "intermediate.dense", "output.dense")) {
                expected.add(p + m + ".weight");
                expected.add(p + m + ".bias");
            }
            for (String m : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
                expected.add(p + m + ".weight");
                expected.add(p + m + ".bias");
            }
        }
        assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(w.keySet()));
        assertArrayEquals(new int[]{30522, 384}, w.get("embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new int[]{1536, 384}, w.get("encoder.layer.3.intermediate.dense.weight").shape());
        assertArrayEquals(new int[]{384, 1536}, w.get("encoder.layer.3.output.dense.weight").shape());

        // The query weight is the transpose of the initializer its MatMul node reads.
        OnnxGraph g = RealModel.get().graph();
        OnnxNode matmul = g.nodes().stream().filter(n -> n.name().equals("/encoder/layer.0/attention/self/query/MatMul"))
                .findFirst().orElseThrow();
        OnnxTensor stored = g.initializers().get(matmul.inputs().get(1));
        Tensor query = w.get("encoder.layer.0.attention.self.query.weight");
        for (int in : new int[]{0, 17, 383}) {
            for (int out : new int[]{0, 5, 383}) assertEquals(stored.floats()[in * 384 + out], query.data[out * 384 + in]);
        }
        assertEquals(12, export.attentionHeads());
        assertEquals(1e-12, export.layerNormEps());
    }
}
