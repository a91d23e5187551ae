package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.io.LlamaConfigJson;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.quant.ptq.CalibrationSet;
import dev.lowrank4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A LLaMA decoder; its tokenizer is the model folder's (bytes for the byte-level models trained here). */
public record LlamaTarget(LlamaModel model, Function<byte[], int[]> tokenizer, Path tokenizerJson) implements PtqTarget {
    @Override
    public String modelType() {
        return "llama";
    }

    @Override
    public ModuleHost host() {
        return model;
    }

    @Override
    public List<TransformerBlock> blocks() {
        return model.blocks();
    }

    @Override
    public CalibrationSet embed(List<int[]> samples, int seq) {
        List<float[]> xs = new ArrayList<>();
        for (int[] s : samples) xs.add(model.embed(s).data.clone());
        return new CalibrationSet(xs, seq, model.config().hiddenSize());
    }

    @Override
    public int[] tokenize(byte[] text) {
        return tokenizer.apply(text);
    }

    @Override
    public int[] wrap(int[] tokens) {
        return tokens;
    }

    @Override
    public int specialTokens() {
        return 0;
    }

    @Override
    public int maxSequence() {
        return model.config().maxPositionEmbeddings();
    }

    @Override
    public String configJson() {
        return LlamaConfigJson.write(model.config());
    }

    @Override
    public Map<String, Tensor> extras() {
        return Map.of();
    }
}
