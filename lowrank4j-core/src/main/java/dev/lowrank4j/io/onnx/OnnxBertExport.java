package dev.lowrank4j.io.onnx;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.lowrank4j.models.bert.BertConfig;
import dev.lowrank4j.models.bert.BertEncoder;

/**
 * Reads a BERT encoder exported by {@code torch.onnx.export} (the all-MiniLM-L6-v2 file in
 * langchain4j's jar is one) back into Hugging Face terms.
 *
 * <p>Weights: the exporter keeps parameter names for tensors the graph uses as they are (biases,
 * LayerNorm, embeddings), but folds {@code Linear}'s transpose into new anonymous initializers
 * ({@code onnx::MatMul_787}) stored [in, out]. Those are named after the node that consumes them:
 * {@code /encoder/layer.0/attention/self/query/MatMul} gives
 * {@code encoder.layer.0.attention.self.query.weight}, transposed back to PyTorch's [out, in].
 * Anonymous biases ({@code …/query/Add}), LayerNorm factors ({@code …/LayerNorm/Mul},
 * {@code …/LayerNorm/Add_1}), embedding tables ({@code …/Gather}) and {@code Gemm} operands are
 * named the same way.
 *
 * <p>Hyper-parameters the weight shapes cannot tell: the head count comes from the constant
 * {@code [batch, seq, heads, head_dim]} shape of the first attention Reshape, and LayerNorm's eps from
 * the constant the embedding LayerNorm adds to the variance.
 */
public final class OnnxBertExport {
    private static final String ANONYMOUS_PREFIX = "onnx::";
    /** A node named /module/path/Op, with an optional _N suffix the exporter adds to repeated ops. */
    private static final Pattern NODE_NAME = Pattern.compile("/(.+)/(\\w+?)(_\\d+)?");
    private static final String FIRST_ATTENTION = "/encoder/layer.0/attention/self/";
    private static final String EMBEDDING_NORM_ADD = "/embeddings/LayerNorm/Add";
    /** transformers' BertConfig default, used when the graph has no recognisable eps constant. */
    private static final double DEFAULT_LAYER_NORM_EPS = 1e-12;

    private final OnnxModel model;
    private final Map<String, Tensor> weights;

    private OnnxBertExport(OnnxModel model) {
        this.model = model;
        this.weights = nameWeights(model);
    }

    public static OnnxBertExport of(OnnxModel model) {
        return new OnnxBertExport(model);
    }

    public OnnxModel model() {
        return model;
    }

    /** Float weights by Hugging Face name, matrices [out, in]; integer buffers (position_ids) are left out. */
    /** A BERT encoder holding this export's weights: sizes from the weights, heads and eps from the graph. */
    public static BertEncoder encoder(OnnxModel model) {
        OnnxBertExport export = of(model);
        Map<String, Tensor> weights = export.weights();
        BertConfig config = BertConfig.inferFromWeights(weights, export.attentionHeads(), export.layerNormEps());
        return BertEncoder.fromWeights(config, weights);
    }

    public Map<String, Tensor> weights() {
        return weights;
    }

    private static Map<String, Tensor> nameWeights(OnnxModel model) {
        OnnxGraph graph = model.graph();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (OnnxTensor init : graph.initializers().values()) {
            if (!init.isFloat()) continue;
            Tensor value;
            String name;
            if (!init.name().startsWith(ANONYMOUS_PREFIX)) {
                name = init.name();
                value = init.toTensor();
            } else {
                OnnxNode consumer = soleConsumer(model, graph, init);
                int slot = consumer.inputs().indexOf(init.name());
                String module = modulePath(model, consumer, init);
                boolean transposed = switch (consumer.opType()) {
                    case "MatMul" -> slot == 1;
                    case "Gemm" -> slot == 1 && attributeInt(consumer, "transB", 0) == 0;
                    default -> false;
                };
                boolean bias = consumer.opType().equals("Add") || (consumer.opType().equals("Gemm") && slot == 2);
                if (consumer.opType().equals("MatMul") && slot != 1) {
                    throw invalid(model, "initializer " + init.name() + " is the left operand of " + consumer.name());
                }
                name = module + (bias ? ".bias" : ".weight");
                value = transposed ? transpose(init) : init.toTensor();
            }
            if (out.put(name, value) != null) throw invalid(model, "two initializers map to " + name);
        }
        return out;
    }

    private static OnnxNode soleConsumer(OnnxModel model, OnnxGraph graph, OnnxTensor init) {
        List<OnnxNode> consumers = graph.consumers(init.name());
        if (consumers.size() != 1) {
            throw invalid(model, "anonymous initializer " + init.name() + " is read by " + consumers.size()
                    + " nodes, so it cannot be named after one");
        }
        return consumers.getFirst();
    }

    /** "/encoder/layer.0/attention/self/query/MatMul" → "encoder.layer.0.attention.self.query". */
    private static String modulePath(OnnxModel model, OnnxNode node, OnnxTensor init) {
        Matcher m = NODE_NAME.matcher(node.name());
        if (!m.matches() || !List.of("MatMul", "Gemm", "Add", "Mul", "Gather").contains(node.opType())) {
            throw invalid(model, "cannot name initializer " + init.name() + " after node '" + node.name() + "' ("
                    + node.opType() + ")");
        }
        return m.group(1).replace('/', '.');
    }

    private static Tensor transpose(OnnxTensor t) {
        if (t.rank() != 2) throw new Lowrank4jException("ONNX matrix " + t.name() + " is not 2-D");
        int rows = t.shape()[0], cols = t.shape()[1];
        float[] src = t.floats(), dst = new float[src.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
        }
        return new Tensor(dst, cols, rows);
    }

    private static long attributeInt(OnnxNode node, String name, long fallback) {
        OnnxAttribute a = node.attributes().get(name);
        return a == null ? fallback : a.i();
    }

    /** Number of attention heads, read from the first attention block's reshape to [B, T, heads, head_dim]. */
    public int attentionHeads() {
        OnnxGraph graph = model.graph();
        for (OnnxNode node : graph.nodes()) {
            if (!node.opType().equals("Reshape") || !node.name().startsWith(FIRST_ATTENTION) || node.inputs().size() < 2) {
                continue;
            }
            long[] shape = shapeOperand(graph, node.inputs().get(1));
            if (shape != null && shape.length == 4 && shape[2] > 0 && shape[3] > 0) return Math.toIntExact(shape[2]);
        }
        throw new Lowrank4jException(model.source() + ": cannot find the number of attention heads in the graph"
                + " (no constant reshape under " + FIRST_ATTENTION + "); pass it explicitly");
    }

    /** The reshape target: a constant, or a Concat whose constant parts are known (others are -1). */
    private static long[] shapeOperand(OnnxGraph graph, String value) {
        OnnxTensor constant = constant(graph, value);
        if (constant != null && !constant.isFloat()) return constant.longs();
        OnnxNode concat = graph.producer(value);
        if (concat == null || !concat.opType().equals("Concat")) return null;
        long[] shape = new long[concat.inputs().size()];
        for (int i = 0; i < shape.length; i++) {
            OnnxTensor part = constant(graph, concat.inputs().get(i));
            shape[i] = part != null && !part.isFloat() && part.numel() == 1 ? part.longs()[0] : -1;
        }
        return shape;
    }

    /** LayerNorm's eps from the embedding LayerNorm's variance + eps node; the BERT default when absent. */
    public double layerNormEps() {
        OnnxGraph graph = model.graph();
        for (OnnxNode node : graph.nodes()) {
            if (!node.name().equals(EMBEDDING_NORM_ADD)) continue;
            for (String input : node.inputs()) {
                OnnxTensor c = constant(graph, input);
                if (c != null && c.isFloat() && c.numel() == 1) {
                    // The graph holds a float32; print-and-parse recovers the decimal the model was written with.
                    return Double.parseDouble(Float.toString(c.floats()[0]));
                }
            }
        }
        return DEFAULT_LAYER_NORM_EPS;
    }

    /** The tensor behind a value name when it is an initializer or a Constant node's output, else null. */
    static OnnxTensor constant(OnnxGraph graph, String value) {
        OnnxTensor init = graph.initializers().get(value);
        if (init != null) return init;
        OnnxNode producer = graph.producer(value);
        if (producer == null || !producer.opType().equals("Constant")) return null;
        OnnxAttribute a = producer.attributes().get("value");
        return a == null ? null : a.tensor();
    }

    private static Lowrank4jException invalid(OnnxModel model, String why) {
        return new Lowrank4jException(model.source() + ": not a BERT export this reader understands (" + why + ")");
    }
}
