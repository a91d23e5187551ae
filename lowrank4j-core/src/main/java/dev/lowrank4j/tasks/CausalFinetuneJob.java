package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.peft.PeftConfig;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.optim.AdamW;
import dev.lowrank4j.train.LrSchedule;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.train.Replica;
import dev.lowrank4j.train.ReplicaShard;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.TrainSummary;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.util.Json;
import dev.lowrank4j.util.PhaseListener;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Causal-LM fine-tuning of a LLaMA (a model pretrained here, or any Hugging Face LLaMA folder) on
 * a text file with full fine-tuning, LoRA, PeriodicLoRA or LoLDU. Writes a run folder like
 * {@code pretrain} does (evaluating on a validation part of the text during training and on a held-out
 * test part once at the end, see {@link TokenDataset}), {@code plora_ranks.jsonl} for PeriodicLoRA,
 * plus {@code model/} (a plain Hugging Face folder with adapters merged) and
 * {@code adapter/} (see {@link FinetuneOutputs}).
 */
public final class CausalFinetuneJob {
    /** The text is cut into train (head), validation (next 10%) and test (last 10%), in that order. */
    public static final double VAL_FRACTION = 0.1, TEST_FRACTION = 0.1;
    /** Warmup share of each PeriodicLoRA stage. */
    static final double STAGE_WARMUP = 0.1;

    public record Options(Path model, Path text, FinetuneMethod method, TrainConfig train, Path out, boolean resume) {}

    public record Result(TrainSummary summary, Metrics test, List<String> adaptedModules, Path mergedModel, Path adapter) {}

    /** Default peak learning rates for a small LLaMA (the tiny preset pretrained here). */
    public static double defaultLr(FinetuneMethod.Kind kind) {
        return switch (kind) {
            case FULL -> 1e-3;
            case LORA, PLORA -> 3e-3;
            case LOLDU -> 1e-2;
        };
    }

    private CausalFinetuneJob() {}

    /**
     * One replica's fine-tuning, ready to train: the trainer reads its shard of every step's
     * batches and writes under its own folder; {@link #finish} (the leader's job) does the rest.
     */
    public record Prepared(LlamaModel model, FinetuneMethod.Applied applied, AdamW optimizer, CausalLm lm, TokenData data,
                           TokenDataset dataset, Path modelDir, Trainer<TokenDataset.Batch> trainer) {}

    public static Result run(Options o, TrainListener listener) {
        Prepared p = prepare(o, Replica.SINGLE, o.out(), listener.phases());
        TrainSummary summary = p.trainer().listener(listener).run(o.resume());
        return finish(o, p, summary, listener.phases());
    }

    /**
     * Replica {@code replica} of the fine-tuning {@code o}: every replica loads the same base model
     * and applies the same seeded method, so they start identical. Only the leader checks and
     * writes the run folder {@code o.out()}; this replica's trainer writes under {@code trainerDir}
     * (the run folder for the leader, a scratch folder holding a copy of the leader's checkpoint
     * for the others). PeriodicLoRA's per-stage rank log is the leader's alone (it costs an SVD per
     * layer and says nothing the leader's weights do not).
     */
    public static Prepared prepare(Options o, Replica replica, Path trainerDir) {
        return prepare(o, replica, trainerDir, PhaseListener.SILENT);
    }

    private static Prepared prepare(Options o, Replica replica, Path trainerDir, PhaseListener phases) {
        Path modelDir = ModelSource.resolve(o.model());
        LlamaModel model = phases.during("loading " + modelDir, () -> LlamaFolder.load(modelDir, o.train().seed()));
        int[] tokens = phases.during("tokenizing " + o.text(), () -> tokenize(modelDir, o.text(), model.config().vocabSize()));
        TrainConfig t = o.train();
        TokenDataset dataset = new TokenDataset(tokens, VAL_FRACTION, TEST_FRACTION, t.seq());
        if (replica.leader()) RunFolder.prepare(o.out(), o.resume(), runConfig(o, modelDir));
        FinetuneMethod.Applied applied = o.method().apply(model, List.of());
        AdamW optimizer = new AdamW(applied.trainable(), new AdamW.Hyper(t.beta1(), t.beta2(), t.eps(), t.weightDecay()));
        CausalLm lm = new CausalLm(model);
        TokenData data = new TokenData(dataset, t.batch(), t.seq(), t.evalBatches());
        Trainer<TokenDataset.Batch> trainer = new Trainer<>(lm, ReplicaShard.of(data, replica), t, trainerDir, optimizer);
        if (applied.plora() != null) {
            trainer.schedule(LrSchedule.restartingCosine(t.steps(), o.method().stageLength(), STAGE_WARMUP, t.minLrRatio()));
            if (replica.leader()) {
                Map<String, float[]> w0 = FinetuneOutputs.linearWeights(reload(modelDir), applied.modules());
                trainer.hook(new PloraRankLog(applied.hook(), applied.plora(), applied.lora().byPath(), w0, o.out()));
            } else {
                trainer.hook(applied.hook());
            }
        }
        return new Prepared(model, applied, optimizer, lm, data, dataset, modelDir, trainer);
    }

    /**
     * What {@link #prepare} would refuse about the base model, the text and the run folder, checked
     * without loading the weights or writing anything: a distributed driver calls it so that a bad
     * option gives its one-line error before any replica starts.
     */
    public static void check(Options o) {
        Path modelDir = ModelSource.resolve(o.model());
        if (!java.nio.file.Files.isRegularFile(o.text())) throw new Lowrank4jException(o.text() + ": text file not found");
        RunFolder.check(o.out(), o.resume(), runConfig(o, modelDir));
    }

    /** After training (the leader's job in a distributed run): the test score, adapter, merged model, summary and report. */
    public static Result finish(Options o, Prepared p, TrainSummary summary) {
        return finish(o, p, summary, PhaseListener.SILENT);
    }

    private static Result finish(Options o, Prepared p, TrainSummary summary, PhaseListener phases) {
        Path modelDir = p.modelDir();
        FinetuneMethod.Applied applied = p.applied();
        TokenDataset dataset = p.dataset();
        LlamaModel model = p.model();
        // the one look at the test split, after training and every choice made on validation
        Metrics test = phases.during("scoring the test split", () -> p.lm().metrics(p.data().testBatches(), CausalLm.TEST));

        Path adapter = phases.during("writing the adapter", () -> FinetuneOutputs.saveAdapter(o.out(), applied,
                () -> FinetuneOutputs.linearWeights(reload(modelDir), applied.modules()), modelDir.toString(),
                PeftConfig.CAUSAL_LM, Map.of()));
        Path merged = o.out().resolve(FinetuneOutputs.MODEL_DIR);
        phases.doing("writing the merged model " + merged, () -> HfCheckpoint.save(merged, model.config(),
                FinetuneOutputs.mergedWeights(model.parameters(), applied.lora(), applied.loldu())));
        Map<String, Object> json = new LinkedHashMap<>(summary.toJson());
        json.putAll(test.values());
        json.put("train_tokens", dataset.trainTokens());
        json.put("val_tokens", dataset.valTokens());
        json.put("test_tokens", dataset.testTokens());
        json.put("method", o.method().id());
        json.put("adapted_modules", applied.modules());
        json.put("model", merged.toString());
        json.put("adapter", adapter == null ? null : adapter.toString());
        Json.writeAtomically(o.out().resolve(Trainer.SUMMARY_FILE), json);
        RunReport.write(o.out(), "lowrank4j finetune: " + o.out().getFileName(), String.format(Locale.ROOT,
                "Causal LM on %s from %s, method %s, %d steps; validation loss %.4f nats/token (perplexity %.3f);"
                        + " test loss %.4f (perplexity %.3f), scored once at the end.",
                o.text(), modelDir, o.method().id(), summary.steps(), summary.metric(CausalLm.VAL_LOSS),
                summary.metric(CausalLm.VAL_PERPLEXITY), test.get(CausalLm.TEST_LOSS), test.get(CausalLm.TEST_PERPLEXITY)),
                "nats per token", summary);
        return new Result(summary, test, applied.modules(), merged, adapter);
    }

    private static LlamaModel reload(Path modelDir) {
        return LlamaFolder.load(modelDir, 0);
    }

    /** Byte tokens for byte-level models; the folder's tokenizer.json otherwise. */
    static int[] tokenize(Path modelDir, Path textFile, int vocab) {
        return CausalTokenizer.forModel(modelDir, vocab).encode(Corpus.read(textFile));
    }

    private static Map<String, Object> runConfig(Options o, Path modelDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", "causal-lm-finetune");
        m.put("base_model", modelDir.toAbsolutePath().toString());
        m.put("text", o.text().toAbsolutePath().toString());
        m.put("method", FinetuneOutputs.methodJson(o.method()));
        m.put("train", o.train());
        return m;
    }
}
