package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.BertConfigJson;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.LlamaConfigJson;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.models.bert.WordPieceTokenizer;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.tasks.BertForward;
import dev.lowrank4j.tasks.CausalTokenizer;
import dev.lowrank4j.tasks.LlamaFolder;
import dev.lowrank4j.tasks.ModelSource;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code --model} names, as a {@link PtqTarget}: the built-in MiniLM, a Hugging Face LLaMA or
 * BERT folder, a run folder (its model/ or newest checkpoint), or a quantized folder written by
 * {@code quantize} (weights packed, activations wrapped per its scheme).
 */
public final class ModelLoading {
    /** A loaded model and, for a quantized folder, its config (null for a float or bitsandbytes NF4 model). */
    public record Loaded(PtqTarget target, QuantizationConfig quantization, Path dir) {
        /** How the weights are stored, as eval and generate print it. */
        public String scheme() {
            if (quantization != null) return quantization.method() + " " + quantization.scheme().name();
            return dir == null ? "fp32" : LlamaFolder.storage(dir);
        }
    }

    private ModelLoading() {}

    public static Loaded load(String model) {
        if (model.equalsIgnoreCase(BertForward.MINILM)) return new Loaded(miniLm(), null, null);
        Path dir = ModelSource.resolve(Path.of(model));
        boolean bert = "bert".equals(Json.readObjectFile(dir.resolve(HfCheckpoint.CONFIG_FILE)).path("model_type").asText(""));
        if (QuantizedFolder.isQuantized(dir)) return bert ? quantizedBert(dir) : quantizedLlama(dir);
        return new Loaded(bert ? floatBert(dir) : floatLlama(dir), null, dir);
    }

    /** A float model to quantize; a quantized folder is refused. */
    public static Loaded loadFloat(String model) {
        if (!model.equalsIgnoreCase(BertForward.MINILM) && LlamaFolder.isNf4(ModelSource.resolve(Path.of(model)))) {
            throw new Lowrank4jException(model + " holds bitsandbytes NF4 weights; quantize its float original");
        }
        Loaded l = load(model);
        if (l.quantization() != null) {
            throw new Lowrank4jException(model + " is already quantized (" + l.quantization().scheme().name()
                    + "); quantize its float original");
        }
        return l;
    }

    private static BertTarget miniLm() {
        MiniLm m = MiniLm.load();
        return bertTarget(m.encoder(), Map.of(), BertForward.MINILM);
    }

    private static BertTarget bertTarget(BertEncoder encoder, Map<String, Tensor> head, String base) {
        WordPieceTokenizer tok = WordPieceTokenizer.fromResource(MiniLm.TOKENIZER_RESOURCE, WordPieceTokenizer.DEFAULT_MAX_LENGTH);
        var special = tok.encode(List.of(""));
        return new BertTarget(encoder, tok, special.ids()[0], special.ids()[special.seq() - 1], head, base);
    }

    private static Map<String, Tensor> splitHead(Map<String, Tensor> weights) {
        Map<String, Tensor> head = new LinkedHashMap<>();
        for (String k : List.copyOf(weights.keySet())) {
            if (k.startsWith(SequenceClassifier.HEAD_PATH + ".")) head.put(k, weights.remove(k));
        }
        return head;
    }

    private static BertTarget floatBert(Path dir) {
        BertConfigJson.Read cfg = BertConfigJson.read(dir.resolve(HfCheckpoint.CONFIG_FILE));
        Map<String, Tensor> weights = new LinkedHashMap<>(HfCheckpoint.readWeights(dir));
        Map<String, Tensor> head = splitHead(weights);
        return bertTarget(BertEncoder.fromWeights(cfg.config(), weights), head, dir.toString());
    }

    private static LlamaTarget floatLlama(Path dir) {
        return llamaTarget(LlamaFolder.load(dir, 0), dir);
    }

    private static LlamaTarget llamaTarget(LlamaModel model, Path dir) {
        CausalTokenizer tok = CausalTokenizer.forModel(dir, model.config().vocabSize());
        return new LlamaTarget(model, tok::encode, tok.file());
    }

    private static Map<String, int[]> shapes(Map<String, LinearLayer> linears) {
        Map<String, int[]> out = new LinkedHashMap<>();
        linears.forEach((k, v) -> out.put(k, new int[] {v.outFeatures(), v.inFeatures()}));
        return out;
    }

    private static Loaded quantizedLlama(Path dir) {
        LlamaConfig cfg = LlamaConfigJson.read(dir.resolve(HfCheckpoint.CONFIG_FILE));
        LlamaModel model = new LlamaModel(cfg, 0);
        Map<String, LinearLayer> blockLinears = new LinkedHashMap<>();
        model.blocks().forEach(b -> blockLinears.putAll(b.linears()));
        QuantizedFolder.Contents c = QuantizedFolder.read(dir, shapes(blockLinears));
        QuantizedFolder.install(model, c);
        model.loadWeights(c.floats());
        return new Loaded(llamaTarget(model, dir), c.config(), dir);
    }

    private static Loaded quantizedBert(Path dir) {
        BertConfigJson.Read cfg = BertConfigJson.read(dir.resolve(HfCheckpoint.CONFIG_FILE));
        BertEncoder encoder = new BertEncoder(cfg.config(), 0);
        QuantizedFolder.Contents c = QuantizedFolder.read(dir, shapes(encoder.linears()));
        QuantizedFolder.install(encoder, c);
        Map<String, Tensor> floats = new LinkedHashMap<>(c.floats());
        Map<String, Tensor> head = splitHead(floats);
        encoder.loadWeights(floats);
        return new Loaded(bertTarget(encoder, head, dir.toString()), c.config(), dir);
    }
}
