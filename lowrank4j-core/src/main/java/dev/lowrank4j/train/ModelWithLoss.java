package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
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

    /**
     * Packed tensors a checkpoint holds beside {@link #stateDict()}: state no float parameter
     * carries and nothing else rebuilds (LoQT's NF4 W and P), by full name. Most models have none.
     */
    default Map<String, Nf4Tensor> packedStateDict() {
        return Map.of();
    }

    /**
     * Puts a checkpoint back: {@link #packedStateDict()}'s tensors, then the float weights. A model
     * without packed state refuses any, so a checkpoint of another method is a one-line error.
     */
    default void loadStateDict(Map<String, Tensor> weights, Map<String, Nf4Tensor> packed) {
        if (!packed.isEmpty()) {
            throw new Lowrank4jException("the checkpoint holds " + packed.keySet().iterator().next()
                    + " packed (NF4), but this model keeps no packed state (a checkpoint of another method?)");
        }
        loadStateDict(weights);
    }

    /** Writes what makes a checkpoint folder self-describing beside the weights (a config.json). */
    default void writeConfig(Path dir) {}
}
