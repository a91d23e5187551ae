package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.loldu.LolduAdapters;
import dev.lowrank4j.adapters.loldu.LolduFile;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.peft.PeftAdapter;
import dev.lowrank4j.adapters.peft.PeftConfig;
import dev.lowrank4j.adapters.plora.AccumulatedUpdate;
import dev.lowrank4j.io.BertConfigJson;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.AtomicFiles;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a fine-tune leaves for the next command, the same way for every model:
 * <ul>
 *   <li>{@code adapter/}: for LoRA the adapter in PEFT's layout; for PeriodicLoRA its whole update
 *       relative to the original base as one PEFT LoRA (see {@link AccumulatedUpdate}); for LoLDU its
 *       own factors ({@link LolduFile}); nothing for full fine-tuning. A classifier head goes in as
 *       PEFT's {@code modules_to_save}.</li>
 *   <li>{@code model/}: the tuned model with every adapter merged, as a plain Hugging Face folder.</li>
 * </ul>
 */
public final class FinetuneOutputs {
    public static final String ADAPTER_DIR = "adapter";
    public static final String MODEL_DIR = "model";

    private FinetuneOutputs() {}

    /**
     * Writes {@code runDir/adapter/}; returns it, or null for full fine-tuning.
     *
     * @param original  the adapted layers' original weights by module path (read only for PeriodicLoRA)
     * @param modules   whole modules to store beside the factors (a head), by parameter name
     */
    public static Path saveAdapter(Path runDir, FinetuneMethod.Applied applied, Supplier<Map<String, float[]>> original,
                                   String baseModel, String taskType, Map<String, Tensor> modules) {
        Path dir = runDir.resolve(ADAPTER_DIR);
        List<String> moduleNames = modules.keySet().stream().map(n -> n.substring(0, n.lastIndexOf('.'))).distinct().toList();
        if (applied.lora() != null) {
            PeftConfig cfg = PeftConfig.of(applied.lora().config(), baseModel).forTask(taskType, moduleNames);
            if (applied.plora() == null) {
                PeftAdapter.save(dir, cfg, applied.lora(), modules);
            } else {
                AccumulatedUpdate.Result total = AccumulatedUpdate.of(applied.plora(), applied.lora().byPath(), original.get(), cfg);
                PeftAdapter.write(dir, total.config(), total.factors(), modules);
            }
            return dir;
        }
        if (applied.loldu() != null) {
            LolduFile.save(dir.resolve(LolduFile.FILE), applied.loldu());
            if (!modules.isEmpty()) {
                SafeTensorsWriter w = new SafeTensorsWriter();
                modules.forEach(w::putFloat);
                w.write(dir.resolve("head.safetensors"));
            }
            return dir;
        }
        return null;
    }

    /** The current weights of the linears a method will adapt, by module path (copies). */
    public static Map<String, float[]> linearWeights(ModuleHost host, List<String> paths) {
        Map<String, float[]> out = new LinkedHashMap<>();
        Map<String, LinearLayer> linears = host.linears();
        for (String p : paths) {
            if (linears.get(p) instanceof dev.lowrank4j.nn.Linear l) out.put(p, l.storage().dequantize().data);
        }
        return out;
    }

    /** Writes the classifier with every adapter merged as a BERT folder; the model itself is left as it is. */
    public static Path saveMergedBert(Path runDir, FinetuneMethod.Applied applied, SequenceClassifier model) {
        Path dir = runDir.resolve(MODEL_DIR);
        SafeTensorsWriter w = new SafeTensorsWriter();
        mergedWeights(model.parameters(), applied.lora(), applied.loldu()).forEach(w::putFloat);
        w.write(dir.resolve(HfCheckpoint.WEIGHTS_FILE));
        AtomicFiles.writeString(dir.resolve(HfCheckpoint.CONFIG_FILE),
                BertConfigJson.write(model.encoder().config(), model.head().outFeatures()));
        return dir;
    }

    /**
     * The weights a plain model with the adapters merged would hold, by name, without changing the
     * model: each adapted layer's {@code <path>.weight} becomes W + ΔW (LoRA: s·B·A; LoLDU: its
     * decomposition), and the adapters' own factors are left out. A merge that gives NaN or Inf is
     * refused (PEFT's safe_merge), so a diverged adapter never produces a poisoned model folder.
     */
    public static Map<String, Tensor> mergedWeights(List<Parameter> parameters, LoraAdapters lora, LolduAdapters loldu) {
        Map<String, Tensor> merged = new LinkedHashMap<>();
        if (lora != null) {
            lora.byPath().forEach((path, l) -> {
                float[] w = l.base().storage().dequantize().data, d = l.deltaWeight().data;
                for (int i = 0; i < w.length; i++) w[i] += d[i];
                merged.put(path + ".weight", checkedFinite(path, new Tensor(w, l.outFeatures(), l.inFeatures())));
            });
        }
        if (loldu != null) loldu.byPath().forEach((path, l) -> merged.put(path + ".weight", checkedFinite(path, l.mergedWeight())));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (isAdapterParameter(p.name())) continue;
            out.put(p.name(), merged.getOrDefault(p.name(), p.value()));
        }
        merged.forEach(out::putIfAbsent); // packed bases have no float weight parameter to replace
        return out;
    }

    private static Tensor checkedFinite(String path, Tensor t) {
        for (float v : t.data) {
            if (!Float.isFinite(v)) {
                throw new Lowrank4jException(path + ": merging the adapter gives non-finite weights (NaN or Inf); no merged model was written");
            }
        }
        return t;
    }

    /** Factors that exist only while an adapter is attached; a merged folder leaves them out. */
    static boolean isAdapterParameter(String name) {
        return name.endsWith(".lora_A.weight") || name.endsWith(".lora_B.weight") || name.contains(".loldu.");
    }

    /** The method as run_config.json records it. */
    public static Map<String, Object> methodJson(FinetuneMethod m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", m.id());
        out.put("rank", m.rank());
        out.put("alpha", m.alpha());
        out.put("stage_length", m.stageLength());
        out.put("momentum", m.momentum());
        out.put("targets", dev.lowrank4j.adapters.peft.PeftConfigJson.targetsJson(m.targets()));
        if (m.kind() == FinetuneMethod.Kind.LOLDU) {
            out.put("loldu_init", m.lolduInit().id());
            out.put("train_sigma", m.trainSigma());
        }
        if (!m.quantize().equals("none")) out.put("quantize", m.quantize()); // QLoRA; absent in float runs, as before
        return out;
    }
}
