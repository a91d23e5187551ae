package dev.lowrank4j.models.bert;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * Shape of a BERT encoder, with the Hugging Face {@code config.json} key names in messages.
 * all-MiniLM-L6-v2 is 6 layers, hidden 384, 12 heads, intermediate 1536, vocabulary 30522,
 * 512 positions, 2 token types and LayerNorm eps 1e-12.
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps) {

    /** transformers' BertConfig default, and the value every BERT export we know of uses. */
    public static final double DEFAULT_LAYER_NORM_EPS = 1e-12;

    public BertConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new Lowrank4jException("hidden_size (" + hiddenSize + ") must be a multiple of num_attention_heads ("
                    + numAttentionHeads + ")");
        }
        if (!(layerNormEps > 0) || !Double.isFinite(layerNormEps)) {
            throw new Lowrank4jException("layer_norm_eps must be a positive number, got " + layerNormEps);
        }
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new Lowrank4jException(key + " must be positive, got " + v);
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /**
     * Infers every size from Hugging Face-named weights. The head count cannot be read from any
     * weight shape (384 = 12·32 = 6·64), so the caller supplies it, e.g. from the ONNX graph.
     */
    public static BertConfig inferFromWeights(Map<String, Tensor> weights, int numAttentionHeads, double layerNormEps) {
        int[] word = shape(weights, "embeddings.word_embeddings.weight", 2);
        int[] positions = shape(weights, "embeddings.position_embeddings.weight", 2);
        int[] types = shape(weights, "embeddings.token_type_embeddings.weight", 2);
        int[] intermediate = shape(weights, "encoder.layer.0.intermediate.dense.weight", 2);
        int layers = 0;
        while (weights.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) layers++;
        if (layers == 0) throw new Lowrank4jException("weights have no encoder.layer.0.attention.self.query.weight");
        return new BertConfig(word[0], word[1], layers, numAttentionHeads, intermediate[0], positions[0], types[0],
                layerNormEps);
    }

    private static int[] shape(Map<String, Tensor> weights, String name, int rank) {
        Tensor t = weights.get(name);
        if (t == null) throw new Lowrank4jException("weights have no " + name);
        if (t.rank() != rank) throw new Lowrank4jException(name + " has shape " + Arrays.toString(t.shape()));
        return t.shape();
    }
}
