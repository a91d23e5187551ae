package dev.lowrank4j.tasks;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.peft.PeftAdapter;
import dev.lowrank4j.data.ByteTokenizer;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.train.LrSchedule;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Causal-LM fine-tuning of a LLaMA (a model pretrained here, or any Hugging Face LLaMA folder) on
 * a text file with full fine-tuning, LoRA, PeriodicLoRA or LoLDU. Writes a run folder like
 * {@code pretrain} does, plus {@code model/} (a plain Hugging Face folder with adapters merged) and,
 * for LoRA, {@code adapter/} in PEFT's layout.
 */
public final class CausalFinetuneJob {
    public static final double VAL_FRACTION = 0.1;

    public record Options(Path model, Path text, AdapterMethod method, TrainConfig train, Path out, boolean resume) {}

    public record Result(Trainer.Summary summary, List<String> adaptedModules, Path mergedModel, Path adapter) {}

    private CausalFinetuneJob() {}

    public static Result run(Options o, TrainListener listener) {
        Path modelDir = ModelSource.resolve(o.model());
        HfCheckpoint.Loaded ck = HfCheckpoint.load(modelDir);
        int[] tokens = tokenize(modelDir, o.text(), ck.config().vocabSize());
        TokenDataset data = new TokenDataset(tokens, VAL_FRACTION, o.train().seq());
        LlamaModel model = new LlamaModel(ck.config(), o.train().seed());
        model.loadWeights(ck.weights());
        AdapterMethod.Applied applied = o.method().apply(model, model.parameters(), List.of());
        TrainConfig t = o.train();
        AdamW optimizer = new AdamW(model.parameters(), new AdamW.Hyper(t.beta1(), t.beta2(), t.eps(), t.weightDecay()));
        Trainer trainer = new Trainer(model, data, t, o.out(), optimizer).listener(listener);
        if (applied.plora() != null) {
            trainer.schedule(LrSchedule.restartingCosine(o.method().stageLength(), 0.1, t.minLrRatio())).hook(applied.hook());
        }
        Path runConfig = o.out().resolve("run_config.json");
        if (o.resume()) {
            requireSameSettings(runConfig, runConfig(o, modelDir));
        } else {
            if (Checkpoints.latest(o.out()).isPresent()) {
                throw new Lowrank4jException(o.out() + " already holds a run; add --resume to continue it or choose another --out");
            }
            Json.writeAtomically(runConfig, runConfig(o, modelDir));
        }
        Trainer.Summary summary = trainer.run(o.resume());

        Path adapterDir = null;
        if (applied.lora() != null && applied.plora() == null) {
            adapterDir = o.out().resolve("adapter");
            PeftAdapter.save(adapterDir, applied.lora(), modelDir.toString());
        }
        if (applied.loldu() != null) applied.loldu().mergeAll();
        Path merged = o.out().resolve(PretrainJob.MODEL_DIR);
        PretrainJob.exportModel(merged, model, applied.lora());
        return new Result(summary, applied.modules(), merged, adapterDir);
    }

    /** Byte tokens for byte-level models; the folder's tokenizer.json otherwise. */
    static int[] tokenize(Path modelDir, Path textFile, int vocab) {
        byte[] raw = Corpus.read(textFile);
        Path tokenizerJson = modelDir.resolve("tokenizer.json");
        if (vocab == ByteTokenizer.VOCAB_SIZE && !Files.isRegularFile(tokenizerJson)) return ByteTokenizer.encode(raw);
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new Lowrank4jException(modelDir + ": vocabulary of " + vocab
                    + " tokens but no tokenizer.json; lowrank4j needs the model's tokenizer.json (or a byte-level model)");
        }
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(false).optTruncation(false).build()) {
            long[] ids = tok.encode(new String(raw, StandardCharsets.UTF_8)).getIds();
            int[] out = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new Lowrank4jException(tokenizerJson + ": produced token id " + ids[i] + " outside the model's vocabulary of " + vocab);
                }
                out[i] = (int) ids[i];
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof Lowrank4jException le) throw le;
            throw new Lowrank4jException(tokenizerJson + ": cannot use tokenizer (" + e.getMessage() + ")");
        }
    }

    /** A resumed fine-tune must use the settings it started with, or its trajectory would silently change. */
    private static void requireSameSettings(Path file, Map<String, Object> now) {
        if (!Files.isRegularFile(file)) throw new Lowrank4jException(file.getParent() + ": nothing to resume (no run_config.json)");
        try {
            var saved = Json.MAPPER.readTree(file.toFile());
            var current = Json.MAPPER.valueToTree(now);
            java.util.List<String> differ = new java.util.ArrayList<>();
            current.fieldNames().forEachRemaining(k -> {
                if (!current.get(k).equals(saved.get(k))) differ.add(k);
            });
            if (!differ.isEmpty()) {
                throw new Lowrank4jException("--resume needs the options the run started with; these differ from "
                        + file + ": " + String.join(", ", differ));
            }
        } catch (IOException e) {
            throw new Lowrank4jException(file + ": unreadable (" + e.getMessage() + ")");
        }
    }

    private static Map<String, Object> runConfig(Options o, Path modelDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", "causal-lm-finetune");
        m.put("base_model", modelDir.toAbsolutePath().toString());
        m.put("text", o.text().toAbsolutePath().toString());
        Map<String, Object> method = new LinkedHashMap<>();
        method.put("kind", o.method().id());
        method.put("rank", o.method().rank());
        method.put("alpha", o.method().alpha());
        method.put("stage_length", o.method().stageLength());
        method.put("momentum", o.method().momentum());
        method.put("targets", String.valueOf(o.method().targets()));
        m.put("method", method);
        m.put("train", o.train());
        return m;
    }
}
