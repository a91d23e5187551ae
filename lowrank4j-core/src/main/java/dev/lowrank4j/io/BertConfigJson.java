package dev.lowrank4j.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.bert.BertConfig;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps {@link BertConfig} to and from a Hugging Face BERT {@code config.json} (model_type "bert",
 * the layout sentence-transformers' all-MiniLM-L6-v2 ships), plus the number of labels of a
 * classification head when the folder carries one. Features this encoder does not implement
 * (another activation, relative positions) are refused rather than silently ignored.
 */
public final class BertConfigJson {
    private static final String[] REQUIRED = {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
        "intermediate_size", "max_position_embeddings", "type_vocab_size"};

    /** A config and the head's label count (0 when the folder has no classification head). */
    public record Read(BertConfig config, int numLabels) {}

    private BertConfigJson() {}

    public static Read read(Path file) {
        return fromJson(Json.readObjectFile(file), file.toString());
    }

    public static Read fromJson(ObjectNode root, String label) {
        String type = root.path("model_type").asText("");
        if (!type.equals("bert")) throw new Lowrank4jException(label + ": model_type \"" + type + "\" is not a BERT encoder");
        List<String> missing = new ArrayList<>();
        for (String key : REQUIRED) if (LlamaConfigJson.absent(root, key)) missing.add(key);
        if (!missing.isEmpty()) throw new Lowrank4jException(label + ": missing required key(s) " + String.join(", ", missing));
        String act = root.path("hidden_act").asText("gelu");
        if (!act.equals("gelu")) throw new Lowrank4jException(label + ": hidden_act \"" + act + "\" is not supported; only exact gelu");
        String positions = root.path("position_embedding_type").asText("absolute");
        if (!positions.equals("absolute")) {
            throw new Lowrank4jException(label + ": position_embedding_type \"" + positions + "\" is not supported; only absolute");
        }
        BertConfig c = new BertConfig(LlamaConfigJson.intKey(root, "vocab_size", label),
                LlamaConfigJson.intKey(root, "hidden_size", label), LlamaConfigJson.intKey(root, "num_hidden_layers", label),
                LlamaConfigJson.intKey(root, "num_attention_heads", label), LlamaConfigJson.intKey(root, "intermediate_size", label),
                LlamaConfigJson.intKey(root, "max_position_embeddings", label), LlamaConfigJson.intKey(root, "type_vocab_size", label),
                LlamaConfigJson.doubleKey(root, "layer_norm_eps", BertConfig.DEFAULT_LAYER_NORM_EPS, label));
        int labels = LlamaConfigJson.absent(root, "num_labels") ? 0 : LlamaConfigJson.intKey(root, "num_labels", label);
        if (labels < 0) throw new Lowrank4jException(label + ": num_labels must be >= 0, got " + labels);
        return new Read(c, labels);
    }

    /**
     * The config as transformers writes it for a BertModel; with {@code numLabels > 0} it also
     * records the mean-pooled linear head ({@code classifier.*} in the weights) this library adds.
     */
    public static String write(BertConfig c, int numLabels) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putArray("architectures").add("BertModel");
        o.put("attention_probs_dropout_prob", 0.1);
        o.put("hidden_act", "gelu");
        o.put("hidden_dropout_prob", 0.1);
        o.put("hidden_size", c.hiddenSize());
        o.put("initializer_range", 0.02);
        o.put("intermediate_size", c.intermediateSize());
        o.put("layer_norm_eps", c.layerNormEps());
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        o.put("model_type", "bert");
        o.put("num_attention_heads", c.numAttentionHeads());
        o.put("num_hidden_layers", c.numHiddenLayers());
        if (numLabels > 0) {
            o.put("num_labels", numLabels);
            o.put("lowrank4j_head", "mean-pooled linear classifier (classifier.weight, classifier.bias)");
        }
        o.put("pad_token_id", 0);
        o.put("position_embedding_type", "absolute");
        o.put("torch_dtype", "float32");
        o.put("type_vocab_size", c.typeVocabSize());
        o.put("vocab_size", c.vocabSize());
        return LlamaConfigJson.pythonStyle(o);
    }
}
