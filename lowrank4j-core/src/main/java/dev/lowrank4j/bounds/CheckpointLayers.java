package dev.lowrank4j.bounds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tasks.ModelSource;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The weight matrices of a checkpoint folder the project writes or reads: an image classifier
 * folder ({@link ClassifierFolder}), the pretrained MiniLM ({@code minilm}), or any Hugging Face style folder, run folder or run
 * checkpoint that {@link ModelSource} resolves (LLaMA, BERT/MiniLM). Every float tensor named
 * {@code *.weight} of rank 2 is a layer [out, in]; rank 4 is a convolution [out, in, k, k],
 * taken as its patch matrix [out, in·k·k]; embedding tables (names containing "embed") are
 * lookups, not layers, and are skipped, as are 1-D tensors (biases, norms).
 *
 * <p>A new format (e.g. DLRT low-rank layers U·S·Vᵀ) plugs in by producing a {@link MatrixLayers}.
 */
public final class CheckpointLayers {
    public static final String CONV_TREATMENT = "conv patch matrix [out, in*k*k]";

    private CheckpointLayers() {}

    /** The pretrained MiniLM (all-MiniLM-L6-v2) that {@code --model minilm} names elsewhere in the CLI. */
    public static final String MINILM = "minilm";

    /** {@code minilm}, or a folder (see the class comment). */
    public static MatrixLayers load(String spec) {
        if (MINILM.equals(spec)) return fromModules("MiniLM (all-MiniLM-L6-v2, pretrained)", MiniLm.load().encoder(), false);
        return load(Path.of(spec));
    }

    /**
     * The weight of every replaceable linear layer of a model, by module path: the first 2-D
     * parameter of each (a plain Linear's weight; a wrapped layer's frozen base weight).
     */
    public static MatrixLayers fromModules(String description, ModuleHost model, boolean chain) {
        List<LayerMatrix> layers = new ArrayList<>();
        for (Map.Entry<String, LinearLayer> e : model.linears().entrySet()) {
            for (Parameter p : e.getValue().parameters()) {
                if (p.value().rank() == 2) {
                    layers.add(asMatrix(e.getKey() + ".weight", p.value()));
                    break;
                }
            }
        }
        if (layers.isEmpty()) throw new Lowrank4jException(description + ": no dense weight matrices");
        return new MatrixLayers(description, chain, layers);
    }

    public static MatrixLayers load(Path given) {
        if (ClassifierFolder.isClassifierFolder(given)) {
            ClassifierFolder.Architecture a = ClassifierFolder.architecture(given);
            return ClassifierFolder.layers(a.name() + " " + a.channels() + "x" + a.height() + "x" + a.width() + " → "
                    + a.numClasses() + " (" + given + ")", ClassifierFolder.load(given));
        }
        Path dir = ModelSource.resolve(given);
        JsonNode type = Json.readObjectFile(dir.resolve(HfCheckpoint.CONFIG_FILE)).get("model_type");
        String kind = type == null ? "unknown model_type" : type.asText();
        List<LayerMatrix> layers = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : HfCheckpoint.readWeights(dir).entrySet()) {
            String name = e.getKey();
            int rank = e.getValue().rank();
            if (!name.endsWith(".weight") || name.contains("embed") || (rank != 2 && rank != 4)) continue;
            layers.add(asMatrix(name, e.getValue()));
        }
        if (layers.isEmpty()) throw new Lowrank4jException(dir + ": no 2-D or 4-D float '*.weight' tensors to bound");
        return new MatrixLayers(kind + " (" + dir + ")", false, layers);
    }

    static LayerMatrix asMatrix(String name, Tensor t) {
        int[] s = t.shape();
        if (s.length == 2) return LayerMatrix.dense(name, s[0], s[1], t.data);
        if (s.length == 4) return new LayerMatrix(name, s[0], s[1] * s[2] * s[3], t.data, CONV_TREATMENT);
        throw new Lowrank4jException(name + ": a weight of rank " + s.length + " is not a layer matrix");
    }
}
