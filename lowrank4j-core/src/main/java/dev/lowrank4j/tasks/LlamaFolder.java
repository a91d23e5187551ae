package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.LlamaConfigJson;
import dev.lowrank4j.io.bnb.Bnb4bitCheckpoint;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.quant.PackedWeights;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way a Hugging Face LLaMA folder becomes a model, for every command that takes one
 * (forward, eval, generate, finetune): a float folder, or a bitsandbytes 4-bit folder (ours from
 * {@code pretrain --method loqt}'s model-nf4/, or one transformers saved) whose NF4 linears stay
 * packed and run through the fused kernels. Folders written by {@code quantize} have their own
 * reader (tasks.quantize.ModelLoading), since they also carry activation schemes. A {@code pretrain}
 * checkpoint is rebuilt by its run's method ({@link PretrainCheckpoint}).
 */
public final class LlamaFolder {
    private LlamaFolder() {}

    /** Whether {@code dir}'s config.json declares bitsandbytes 4-bit weights. */
    public static boolean isNf4(Path dir) {
        return Bnb4bitCheckpoint.quantization(dir).isPresent();
    }

    /**
     * How {@code dir}'s linear weights are stored, as eval and generate print it: a pretrain
     * checkpoint holds what its method trains (LoQT: NF4 W with B and P; LoRA: W with factors),
     * not the float model its run also exports.
     */
    public static String storage(Path dir) {
        var pretrained = PretrainCheckpoint.runConfig(dir);
        if (pretrained.isPresent()) {
            String method = pretrained.get().method().id();
            return method.equals("full") ? "fp32" : method + " checkpoint";
        }
        return isNf4(dir) ? "nf4 (bitsandbytes)" : "fp32";
    }

    /** The model in {@code dir}; {@code seed} seeds the initialisation that the loaded weights then replace. */
    public static LlamaModel load(Path dir, long seed) {
        var pretrained = PretrainCheckpoint.runConfig(dir);
        if (pretrained.isPresent()) return PretrainCheckpoint.load(dir, pretrained.get());
        if (!isNf4(dir)) {
            HfCheckpoint.Loaded ck = HfCheckpoint.load(dir);
            LlamaModel model = new LlamaModel(ck.config(), seed);
            try {
                model.loadWeights(ck.weights());
            } catch (Lowrank4jException e) {
                var run = PretrainCheckpoint.runOf(dir);
                if (run.isEmpty()) throw e;
                // a fine-tuning checkpoint holds the adapter's factors beside the frozen weights, for --resume
                throw new Lowrank4jException(dir + " is a checkpoint of the fine-tuning run " + run.get()
                        + " (adapter factors beside the frozen weights, read by finetune --resume); load the run folder itself,"
                        + " whose model/ holds the adapter merged");
            }
            return model;
        }
        LlamaModel model = new LlamaModel(LlamaConfigJson.read(dir.resolve(HfCheckpoint.CONFIG_FILE)), seed);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        model.linears().forEach((path, l) -> shapes.put(path, new int[] {l.outFeatures(), l.inFeatures()}));
        Bnb4bitCheckpoint.Contents c = Bnb4bitCheckpoint.read(dir, shapes);
        c.packed().forEach((path, codes) -> {
            LinearLayer old = model.linears().get(path);
            model.replaceLinear(path, new Linear(path, new PackedWeights(codes), ((Linear) old).bias()));
        });
        model.loadWeights(c.floats());
        return model;
    }
}
