package dev.lowrank4j.loqt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.LlamaConfigJson;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.io.bnb.Bnb4bitWeights;
import dev.lowrank4j.io.bnb.BnbQuantizationConfig;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.AtomicFiles;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A LoQT model as a bitsandbytes 4-bit Hugging Face folder: every targeted {@code <path>.weight}
 * is NF4 of the merged weight deq(W) + s·B·P (what the plain folder holds, re-encoded once) in the
 * layout transformers writes ({@link Bnb4bitWeights}); embeddings, norms and head stay float32;
 * config.json carries {@code quantization_config}. Weights are written first, config last, each
 * atomically, so a folder with a config always has its weights.
 */
public final class Nf4Export {
    private Nf4Export() {}

    public static void save(Path dir, LlamaConfig cfg, LoqtAdapters loqt) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Lowrank4jException(dir + " exists and is a file; cannot save a model folder there");
        }
        Nf4Options nf4 = loqt.config().nf4();
        Map<String, Tensor> merged = loqt.mergedWeights();
        Set<String> quantized = new java.util.HashSet<>();
        loqt.byPath().keySet().forEach(p -> quantized.add(p + ".weight"));
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Map.Entry<String, Tensor> e : merged.entrySet()) {
            if (quantized.contains(e.getKey())) {
                Bnb4bitWeights.put(w, e.getKey(), Nf4Tensor.quantize(e.getKey(), e.getValue(), nf4), "float32");
            } else {
                w.putFloat(e.getKey(), e.getValue());
            }
        }
        w.metadata("format", "pt");
        w.write(dir.resolve(HfCheckpoint.WEIGHTS_FILE));
        try {
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(LlamaConfigJson.write(cfg));
            config.set(BnbQuantizationConfig.KEY, BnbQuantizationConfig.nf4(nf4.doubleQuant()).toJson());
            AtomicFiles.writeString(dir.resolve(HfCheckpoint.CONFIG_FILE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new Lowrank4jException(dir + ": cannot write config.json (" + e.getMessage() + ")");
        }
    }
}
