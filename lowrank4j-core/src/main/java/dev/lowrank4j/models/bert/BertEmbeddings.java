package dev.lowrank4j.models.bert;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Buffers;
import dev.lowrank4j.nn.Embedding;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.VectorMath;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;

/**
 * BERT's input layer: LayerNorm(word[id] + token_type[type] + position[t]) with absolute learned
 * positions 0..seq−1 in every sequence (transformers' default {@code position_ids}, which ignore
 * padding). The three tables reuse {@link Embedding}, whose backward scatter-adds into used rows.
 */
public final class BertEmbeddings {
    private final Embedding words;
    private final Embedding positions;
    private final Embedding tokenTypes;
    private final LayerNorm norm;

    private int[] positionIds;
    private Tensor sum;

    BertEmbeddings(BertConfig c) {
        words = new Embedding(new Parameter("embeddings.word_embeddings.weight", Tensor.zeros(c.vocabSize(), c.hiddenSize())));
        positions = new Embedding(new Parameter("embeddings.position_embeddings.weight",
                Tensor.zeros(c.maxPositionEmbeddings(), c.hiddenSize())));
        tokenTypes = new Embedding(new Parameter("embeddings.token_type_embeddings.weight",
                Tensor.zeros(c.typeVocabSize(), c.hiddenSize())));
        norm = LayerNorm.create("embeddings.LayerNorm", c.hiddenSize(), c.layerNormEps());
    }

    /** Parameters in transformers' order. */
    List<Parameter> parameters() {
        return List.of(words.weight(), positions.weight(), tokenTypes.weight(), norm.weight(), norm.bias());
    }

    /** ids and types [batch·seq] → [batch·seq, hidden] (owned by the LayerNorm). */
    Tensor forward(int[] ids, int[] types, int batch, int seq) {
        if (seq > positions.vocabSize()) {
            throw new Lowrank4jException("sequence length " + seq + " exceeds max_position_embeddings "
                    + positions.vocabSize());
        }
        int n = batch * seq;
        int[] typeIds = types == null ? new int[n] : types;
        if (typeIds.length != n) throw new Lowrank4jException("token types have " + typeIds.length + " entries, expected " + n);
        for (int i = 0; i < n; i++) {
            if (typeIds[i] < 0 || typeIds[i] >= tokenTypes.vocabSize()) {
                throw new Lowrank4jException("token type " + typeIds[i] + " at position " + i
                        + " is out of range for type_vocab_size " + tokenTypes.vocabSize());
            }
        }
        positionIds = Buffers.ints(positionIds, n);
        for (int i = 0; i < n; i++) positionIds[i] = i % seq;
        Tensor w = words.forward(ids);
        Tensor t = tokenTypes.forward(typeIds);
        Tensor p = positions.forward(positionIds);
        sum = Buffers.matrix(sum, n, w.dim(1));
        // (word + type) + position: the order of the exported graph, so rounding matches it.
        VectorMath.add(w.data, t.data, sum.data, sum.data.length);
        VectorMath.addInPlace(sum.data, 0, p.data, 0, sum.data.length);
        return norm.forward(sum);
    }

    /** Adds the gradients of the three tables and the LayerNorm. */
    void backward(Tensor dy) {
        Tensor dSum = norm.backward(dy);
        words.backward(dSum);
        tokenTypes.backward(dSum);
        positions.backward(dSum);
    }

    long activationBytes() {
        return words.activationBytes() + positions.activationBytes() + tokenTypes.activationBytes()
                + norm.activationBytes() + Buffers.bytes(sum);
    }
}
