package dev.lowrank4j.train;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model together with its loss and its evaluation: what the one training loop drives. A causal
 * language model, a sequence classifier and an image classifier differ only here and in their
 * {@link TrainingData}; the {@link Trainer} never knows which one it runs.
 *
 * @param <B> the batch type the model reads
 */
public interface ModelWithLoss<B> {
    /** Every parameter, trainable or frozen, each once, in a stable order. */
    List<Parameter> parameters();

    /** Tensors the model holds that are not float parameters (packed weights), by full name. */
    default Map<String, ? extends Accounted> buffers() {
        return Map.of();
    }

    /** Forward, mean loss over the batch, and backward: gradients are ADDED to trainable parameters. */
    double lossAndBackward(B batch);

    /** Forward passes only: the model's metrics on held-out batches (names such as val_loss, accuracy). */
    Metrics evaluate(Iterable<B> batches);

    /** Bytes the last forward keeps for backward (for the memory ledger). */
    long activationBytes();

    /** Training vs evaluation behaviour (dropout); most models have none. */
    default void setTraining(boolean training) {}

    /** Weights by name as a checkpoint stores them (live views: save before the next step). */
    Map<String, Tensor> stateDict();

    /** Puts saved weights back; every problem (missing, unexpected, misshaped) in one message. */
    void loadStateDict(Map<String, Tensor> weights);

    /** Writes what makes a checkpoint folder self-describing beside the weights (a config.json). */
    default void writeConfig(Path dir) {}
}
