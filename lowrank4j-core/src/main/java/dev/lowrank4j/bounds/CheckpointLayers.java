package dev.lowrank4j.bounds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.dlrt.LowRankLinear;
import dev.lowrank4j.dlrt.LowRankModelFile;
import dev.lowrank4j.dlrt.VisionArchitecture;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.linalg.SingularValues;
import dev.lowrank4j.models.vision.ImageClassifier;
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
import java.util.Optional;

/**
 * The weight matrices of a checkpoint folder the project writes or reads: an image classifier
 * folder ({@link ClassifierFolder}), the pretrained MiniLM ({@code minilm}), or any Hugging Face style folder, run folder or run
 * checkpoint that {@link ModelSource} resolves (LLaMA, BERT/MiniLM). Every float tensor named
 * {@code *.weight} of rank 2 is a layer [out, in]; rank 4 is a convolution [out, in, k, k],
 * taken as its patch matrix [out, in·k·k]; embedding tables (names containing "embed") are
 * lookups, not layers, and are skipped, as are 1-D tensors (biases, norms).
 *
 * A DLRT model, checkpoint or run folder ({@link DlrtFolder}) gives its low-rank layers as the
 * products U·S·Vᵀ and its full-rank head, as a feed-forward chain.
 *
 * <p>A new format plugs in by producing a {@link MatrixLayers}.
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
     * parameter of each (a plain Linear's weight; a wrapped layer's frozen base weight), a
     * convolution's 4-D kernel as its patch matrix, a DLRT layer as U·S·Vᵀ.
     */
    public static MatrixLayers fromModules(String description, ModuleHost model, boolean chain) {
        List<LayerMatrix> layers = new ArrayList<>();
        for (Map.Entry<String, LinearLayer> e : model.linears().entrySet()) {
            if (e.getValue() instanceof LowRankLinear l) {
                layers.add(lowRank(e.getKey(), l));
                continue;
            }
            for (Parameter p : e.getValue().parameters()) {
                if (p.value().rank() == 2 || p.value().rank() == 4) { // 4: a convolution's kernel, as its patch matrix
                    layers.add(asMatrix(e.getKey() + ".weight", p.value()));
                    break;
                }
            }
        }
        if (layers.isEmpty()) throw new Lowrank4jException(description + ": no dense weight matrices");
        return new MatrixLayers(description, chain, layers);
    }

    public static MatrixLayers load(Path given) {
        Optional<Path> dlrt = DlrtFolder.find(given);
        if (dlrt.isPresent()) {
            LowRankModelFile.Loaded m = LowRankModelFile.load(dlrt.get());
            VisionArchitecture a = m.architecture();
            return fromModules("DLRT " + a.name() + " " + a.channels() + "x" + a.height() + "x" + a.width() + " → " + a.classes()
                    + ", ranks " + m.ranks() + " (" + dlrt.get() + ")", m.model(), true);
        }
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

    /**
     * The image classifier saved at {@code given} (a classifier folder, or a DLRT model, checkpoint
     * or run folder), rebuilt with its weights, for the data-dependent quantities; empty for
     * anything else (language models).
     */
    public static Optional<ImageClassifier> imageClassifier(Path given) {
        Optional<Path> dlrt = DlrtFolder.find(given);
        if (dlrt.isPresent()) return Optional.of(LowRankModelFile.load(dlrt.get()).model());
        if (ClassifierFolder.isClassifierFolder(given)) return Optional.of(ClassifierFolder.load(given));
        return Optional.empty();
    }

    /**
     * A DLRT layer's W = U·S·Vᵀ, formed for the row norms and the path norm; its spectrum is S's
     * (rank ≤ r, so its smallest min(m, n) − r singular values are 0: κ and the Koopman factor
     * are +∞ unless r = min(m, n)).
     * A convolution's factors already describe its patch matrix [out, in·k·k].
     */
    static LayerMatrix lowRank(String path, LowRankLinear l) {
        String how = "low-rank U·S·Vᵀ, rank " + l.rank() + (l.isConvolution() ? "; " + CONV_TREATMENT : "");
        int r = l.rank();
        double[] sigma = new double[Math.min(l.outFeatures(), l.inFeatures())];
        // U, V orthonormal: σ(W) = σ(S) (S is r×r between steps), then min(m, n) − r exact zeros
        System.arraycopy(SingularValues.of(l.s().data(), l.s().value().dim(0), l.s().value().dim(1), path + ".S"), 0, sigma, 0,
                Math.min(l.s().value().dim(0), l.s().value().dim(1)));
        return new LayerMatrix(path + ".weight", l.outFeatures(), l.inFeatures(), l.denseWeight(), how, sigma);
    }

    static LayerMatrix asMatrix(String name, Tensor t) {
        int[] s = t.shape();
        if (s.length == 2) return LayerMatrix.dense(name, s[0], s[1], t.data);
        if (s.length == 4) return new LayerMatrix(name, s[0], s[1] * s[2] * s[3], t.data, CONV_TREATMENT);
        throw new Lowrank4jException(name + ": a weight of rank " + s.length + " is not a layer matrix");
    }
}
