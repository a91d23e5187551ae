package dev.lowrank4j.models.bert;

import dev.lowrank4j.tensor.Tensor;

/**
 * Sentence embeddings the sentence-transformers way: BERT encoder → masked mean pooling → optional
 * L2 normalisation (all-MiniLM-L6-v2 normalises). Forward and backward, so a loss on the embeddings
 * (e.g. a contrastive one) can fine-tune the encoder or its adapters.
 */
public final class SentenceEncoder {
    private final BertEncoder encoder;
    private final boolean normalize;
    private final MeanPooling pooling = new MeanPooling();
    private final L2Normalize l2 = new L2Normalize();

    public SentenceEncoder(BertEncoder encoder, boolean normalize) {
        this.encoder = encoder;
        this.normalize = normalize;
    }

    public BertEncoder encoder() {
        return encoder;
    }

    public boolean normalizes() {
        return normalize;
    }

    /** [batch, hidden] embeddings (owned by this object, valid until the next forward). */
    public Tensor forward(TokenBatch tokens) {
        Tensor hidden = encoder.forward(tokens.ids(), tokens.attentionMask(), tokens.tokenTypes(), tokens.batch(), tokens.seq());
        Tensor pooled = pooling.forward(hidden, tokens.attentionMask(), tokens.batch(), tokens.seq());
        return normalize ? l2.forward(pooled) : pooled;
    }

    /** Backward from dL/d(embeddings) of the last forward into the encoder's parameter gradients. */
    public void backward(Tensor embeddingGrad) {
        Tensor pooledGrad = normalize ? l2.backward(embeddingGrad) : embeddingGrad;
        encoder.backward(pooling.backward(pooledGrad));
    }
}
