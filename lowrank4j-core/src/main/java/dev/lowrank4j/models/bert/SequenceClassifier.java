package dev.lowrank4j.models.bert;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.CrossEntropyLoss;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT encoder → masked mean pooling → linear head → softmax cross-entropy. Mean pooling rather
 * than BertForSequenceClassification's [CLS] pooler because all-MiniLM-L6-v2 was trained as a
 * mean-pooled sentence encoder and ships no pooler weights; no L2 normalisation, so the head sees
 * the pooled features at their natural scale.
 *
 * <p>The head ({@code classifier.weight} [labels, hidden], {@code classifier.bias}) starts as
 * transformers initialises it: N(0, 0.02²) weights, zero bias.
 */
public final class SequenceClassifier {
    /** transformers' BertConfig.initializer_range. */
    static final double HEAD_INIT_STD = 0.02;
    public static final String HEAD_PATH = "classifier";

    private final BertEncoder encoder;
    private final MeanPooling pooling = new MeanPooling();
    private final Linear head;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private TokenBatch last;

    public SequenceClassifier(BertEncoder encoder, int numLabels, long seed) {
        this.encoder = encoder;
        int hidden = encoder.config().hiddenSize();
        this.head = Linear.create(HEAD_PATH, hidden, numLabels, true);
        Rng rng = new Rng(seed);
        float[] w = head.weight().data();
        for (int i = 0; i < w.length; i++) w[i] = (float) (HEAD_INIT_STD * rng.nextGaussian());
    }

    public BertEncoder encoder() {
        return encoder;
    }

    public Linear head() {
        return head;
    }

    /** Encoder parameters (adapters included) then the head's: everything the model holds. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(encoder.parameters());
        all.addAll(head.parameters());
        return all;
    }

    /**
     * Copies weights by name into the encoder and the head ({@code classifier.weight},
     * {@code classifier.bias}); every problem is reported at once and nothing is copied unless all fits.
     */
    public void loadWeights(Map<String, Tensor> weights) {
        Map<String, Tensor> encoderWeights = new LinkedHashMap<>(weights);
        List<Parameter> headParams = head.parameters();
        List<String> missing = new ArrayList<>();
        for (Parameter p : headParams) {
            Tensor t = encoderWeights.remove(p.name());
            if (t == null || !t.sameShape(p.shape())) missing.add(p.name() + " " + Arrays.toString(p.shape()));
        }
        if (!missing.isEmpty()) {
            throw new Lowrank4jException("weights do not match the classifier head: missing or misshaped " + missing);
        }
        encoder.loadWeights(encoderWeights);
        for (Parameter p : headParams) p.set(weights.get(p.name()));
    }

    /**
     * Copies only the head's weights ({@code classifier.weight}, {@code classifier.bias}), leaving the
     * encoder as it is — for an encoder whose weights are already in place (a quantized one stays packed).
     */
    public void loadHead(Map<String, Tensor> head) {
        Map<String, Tensor> all = new LinkedHashMap<>(head);
        List<String> problems = new ArrayList<>();
        for (Parameter p : this.head.parameters()) {
            Tensor t = all.remove(p.name());
            if (t == null || !t.sameShape(p.shape())) problems.add(p.name() + " " + Arrays.toString(p.shape()));
        }
        if (!problems.isEmpty() || !all.isEmpty()) {
            throw new Lowrank4jException("weights do not match the classifier head: missing or misshaped " + problems
                    + (all.isEmpty() ? "" : ", unexpected " + all.keySet()));
        }
        for (Parameter p : this.head.parameters()) p.set(head.get(p.name()));
    }

    /** Logits [batch, labels] (owned by the head, valid until the next forward). */
    public Tensor logits(TokenBatch b) {
        Tensor hidden = encoder.forward(b.ids(), b.attentionMask(), b.tokenTypes(), b.batch(), b.seq());
        Tensor pooled = pooling.forward(hidden, b.attentionMask(), b.batch(), b.seq());
        last = b;
        return head.forward(pooled);
    }

    /** Mean loss without gradients (evaluation). */
    public float loss(TokenBatch b, int[] labels) {
        return loss.forward(logits(b), labels);
    }

    /**
     * Forward, mean loss and backward: gradients are ADDED to the trainable parameters. The pass
     * through the encoder is skipped when nothing in it trains (head-only training).
     */
    public float lossAndBackward(TokenBatch b, int[] labels) {
        float value = loss.forward(logits(b), labels);
        Tensor pooledGrad = head.backward(loss.backward());
        if (encoderTrains()) encoder.backward(pooling.backward(pooledGrad));
        return value;
    }

    private boolean encoderTrains() {
        for (Parameter p : encoder.parameters()) if (p.trainable()) return true;
        return false;
    }

    /** Bytes the last forward keeps for backward (pooling's [batch, hidden] output included). */
    public long activationBytes() {
        long pooled = last == null ? 0 : 4L * last.batch() * encoder.config().hiddenSize();
        return encoder.activationBytes() + pooled + head.activationBytes() + loss.activationBytes();
    }
}
