package dev.lowrank4j.models.llama;

import dev.lowrank4j.Lowrank4jException;

/**
 * Shape and hyper-parameters of a LLaMA-style decoder (RMSNorm, SwiGLU MLP, grouped-query
 * attention, plain RoPE). Validated on construction, so a config that exists is one the model can
 * be built from. Hugging Face {@code config.json} is read and written by
 * {@code io.LlamaConfigJson} (models know nothing of files).
 */
public record LlamaConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings,
        double initializerRange) {

    public LlamaConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("head_dim", headDim);
        positive("max_position_embeddings", maxPositionEmbeddings);
        // Grouped-query attention shares each KV head among a whole number of query heads.
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new Lowrank4jException("num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        }
        // RoPE rotates pairs of dimensions.
        if (headDim % 2 != 0) {
            throw new Lowrank4jException("head_dim must be even for rotary embeddings, got " + headDim);
        }
        if (!(rmsNormEps > 0) || !Double.isFinite(rmsNormEps)) {
            throw new Lowrank4jException("rms_norm_eps must be a positive number, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0) || !Double.isFinite(ropeTheta)) {
            throw new Lowrank4jException("rope_theta must be a positive number, got " + ropeTheta);
        }
        if (!(initializerRange >= 0) || !Double.isFinite(initializerRange)) {
            throw new Lowrank4jException("initializer_range must be zero or positive, got " + initializerRange);
        }
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new Lowrank4jException(key + " must be positive, got " + v);
    }


    /** Query heads per key/value head. */
    public int kvGroups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    public LlamaConfig withVocabSize(int v) {
        return new LlamaConfig(v, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, rmsNormEps, ropeTheta, tieWordEmbeddings, maxPositionEmbeddings,
                initializerRange);
    }

    public LlamaConfig withNumHiddenLayers(int v) {
        return new LlamaConfig(vocabSize, hiddenSize, intermediateSize, v, numAttentionHeads,
                numKeyValueHeads, headDim, rmsNormEps, ropeTheta, tieWordEmbeddings, maxPositionEmbeddings,
                initializerRange);
    }
}
