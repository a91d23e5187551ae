package dev.lowrank4j.tasks;

import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.LlamaConfigJson;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.train.ModelWithLoss;
import dev.lowrank4j.util.AtomicFiles;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A LLaMA with next-token cross-entropy: the model a pretraining or causal fine-tuning run
 * trains. Evaluation reports {@code val_loss} (mean nats per token over the held-out batches) and
 * {@code val_perplexity}; a checkpoint folder is a Hugging Face model folder.
 */
public final class CausalLm implements ModelWithLoss<TokenDataset.Batch> {
    public static final String VAL = "val_", TEST = "test_";
    public static final String VAL_LOSS = VAL + "loss", VAL_PERPLEXITY = VAL + "perplexity";
    public static final String TEST_LOSS = TEST + "loss", TEST_PERPLEXITY = TEST + "perplexity";

    private final LlamaModel model;

    public CausalLm(LlamaModel model) {
        this.model = model;
    }

    public LlamaModel model() {
        return model;
    }

    @Override
    public List<Parameter> parameters() {
        return model.parameters();
    }

    @Override
    public Map<String, Accounted> buffers() {
        return model.buffers();
    }

    @Override
    public double lossAndBackward(TokenDataset.Batch b) {
        return model.lossAndBackward(b.inputs(), b.targets(), b.batch(), b.seq());
    }

    /** Validation metrics: what the trainer logs during training. */
    @Override
    public Metrics evaluate(Iterable<TokenDataset.Batch> batches) {
        return metrics(batches, VAL);
    }

    /** {@code prefix}loss (mean nats per token over the batches) and {@code prefix}perplexity. */
    public Metrics metrics(Iterable<TokenDataset.Batch> batches, String prefix) {
        double sum = 0;
        int n = 0;
        for (TokenDataset.Batch b : batches) {
            sum += model.loss(b.inputs(), b.targets(), b.batch(), b.seq());
            n++;
        }
        double loss = sum / n;
        Map<String, Double> values = new java.util.LinkedHashMap<>();
        values.put(prefix + "loss", loss);
        values.put(prefix + "perplexity", Math.exp(loss));
        return new Metrics(values, prefix + "loss");
    }

    @Override
    public long activationBytes() {
        return model.activationBytes();
    }

    @Override
    public Map<String, Tensor> stateDict() {
        return model.stateDict();
    }

    @Override
    public void loadStateDict(Map<String, Tensor> weights) {
        model.loadWeights(weights);
    }

    @Override
    public Map<String, Nf4Tensor> packedStateDict() {
        return model.packedState();
    }

    /** Packed state first: it decides which parameters the layers have (LoQT's P), which the float weights then fill. */
    @Override
    public void loadStateDict(Map<String, Tensor> weights, Map<String, Nf4Tensor> packed) {
        model.restorePackedState(packed, weights.keySet());
        model.loadWeights(weights);
    }

    @Override
    public void writeConfig(Path dir) {
        AtomicFiles.writeString(dir.resolve(HfCheckpoint.CONFIG_FILE), LlamaConfigJson.write(model.config()));
    }
}
