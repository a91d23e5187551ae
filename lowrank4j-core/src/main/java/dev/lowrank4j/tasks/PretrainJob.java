package dev.lowrank4j.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.ByteTokenizer;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.data.TokenDataset;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.loqt.LoqtAdapters;
import dev.lowrank4j.loqt.Nf4Export;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.train.Replica;
import dev.lowrank4j.train.ReplicaShard;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.TrainSummary;
import dev.lowrank4j.train.StepHook;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.util.Json;
import dev.lowrank4j.util.PhaseListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pretrains a byte-level LLaMA on a text corpus and writes a run folder: {@code run_config.json},
 * {@code metrics.jsonl}, {@code checkpoints/}, {@code summary.json}. On resume the saved
 * configuration wins over flags (only {@code steps} may be raised), so the trajectory stays the same.
 */
public final class PretrainJob {
    public static final double VAL_FRACTION = 0.05;

    /**
     * @param stepsGiven whether {@code train.steps()} was asked for; on resume without it the saved
     *                   step count stands, which keeps the schedule and so the trajectory exact
     */
    public record Options(ModelShape shape, TrainConfig train, PretrainMethod method, Path corpus, Path out, boolean resume,
                          boolean stepsGiven) {
        public Options(ModelShape shape, TrainConfig train, PretrainMethod method, Path corpus, Path out, boolean resume) {
            this(shape, train, method, corpus, out, resume, true);
        }
    }

    public record Prepared(LlamaModel model, TokenDataset data, TrainConfig train, PretrainMethod method,
                           LoraAdapters lora, Trainer<TokenDataset.Batch> trainer, String corpusName, boolean resume,
                           dev.lowrank4j.optim.Optimizer optimizer) {}

    private PretrainJob() {}

    public static Prepared prepare(Options o) {
        return prepare(o, Replica.SINGLE, o.out());
    }

    /**
     * One data-parallel replica of the run {@code o}: every replica builds the same model and
     * optimizer from the same seed (or the same checkpoint) and trains on its shard of each global
     * batch. Only the leader checks and writes the run folder {@code o.out()}; the trainer of this
     * replica writes under {@code trainerDir} (the run folder for the leader, a scratch folder for
     * the others, which hold a copy of the leader's checkpoint to resume from).
     */
    public static Prepared prepare(Options o, Replica replica, Path trainerDir) {
        Path runDir = o.out();
        Path runConfig = runDir.resolve("run_config.json");
        ModelShape shape = o.shape();
        TrainConfig train = o.train();
        PretrainMethod method = o.method();
        String corpusName = o.corpus() == null ? Corpus.EMBEDDED_NAME : o.corpus().toString();
        Path corpusPath = o.corpus();
        if (o.resume()) {
            if (!Files.isRegularFile(runConfig)) {
                throw new Lowrank4jException(runDir + ": not a run folder to resume (no run_config.json)");
            }
            Saved saved = readRunConfig(runConfig);
            shape = saved.shape();
            method = saved.method();
            train = o.stepsGiven() ? saved.train().withSteps(Math.max(saved.train().steps(), o.train().steps())) : saved.train();
            corpusPath = saved.corpus();
            corpusName = corpusPath == null ? Corpus.EMBEDDED_NAME : corpusPath.toString();
        } else if (replica.leader() && Checkpoints.latest(runDir).isPresent()) {
            throw new Lowrank4jException(runDir + " already holds a run; add --resume to continue it or choose another --out");
        }
        if (shape.vocab() < ByteTokenizer.VOCAB_SIZE) {
            throw new Lowrank4jException("--vocab " + shape.vocab() + " is too small for byte tokens; it must be >= "
                    + ByteTokenizer.VOCAB_SIZE);
        }
        byte[] text = corpusPath == null ? Corpus.embedded() : Corpus.read(corpusPath);
        int[] tokens = ByteTokenizer.encode(text);
        TokenDataset data = new TokenDataset(tokens, VAL_FRACTION, train.seq());
        long stateBytes = MemoryFit.stateBytes(shape, method);
        if (stateBytes >= 0) MemoryFit.require(stateBytes, "this run (--method " + method.id() + ")");
        LlamaConfig cfg = shape.toConfig();
        LlamaModel model = method.newModel(cfg, train.seed());
        LoraAdapters lora = method.prepare(model, train.seed());
        var optimizer = method.optimizer(model, train);
        if (!o.resume() && replica.leader()) Json.writeAtomically(runConfig, runConfigJson(shape, train, method, corpusPath));
        Trainer<TokenDataset.Batch> trainer = new Trainer<>(new CausalLm(model),
                ReplicaShard.of(new TokenData(data, train.batch(), train.seq(), train.evalBatches()), replica), train, trainerDir,
                optimizer);
        return new Prepared(model, data, train, method, lora, trainer, corpusName, o.resume(), optimizer);
    }

    public static TrainSummary run(Options o, TrainListener listener) {
        return run(o, listener, null);
    }

    /** As {@link #run(Options, TrainListener)}, with a step hook made from the prepared run (e.g. bounds logging), or null. */
    public static TrainSummary run(Options o, TrainListener listener, java.util.function.Function<Prepared, StepHook> hook) {
        Prepared p = prepare(o);
        if (hook != null) p.trainer().hook(hook.apply(p));
        TrainSummary summary = p.trainer().listener(listener).run(p.resume());
        return finish(o, p, summary, listener.phases());
    }

    /** After training: the run's report and its exported model (the leader's job in a distributed run). */
    public static TrainSummary finish(Options o, Prepared p, TrainSummary summary) {
        return finish(o, p, summary, PhaseListener.SILENT);
    }

    private static TrainSummary finish(Options o, Prepared p, TrainSummary summary, PhaseListener phases) {
        RunReport.write(o.out(), "lowrank4j pretrain: " + o.out().getFileName(), String.format(java.util.Locale.ROOT,
                "Method %s on %s; %d steps, validation loss %.4f nats/token (perplexity %.3f), %,.0f tokens/s.",
                p.method().id(), p.corpusName(), summary.steps(), summary.metric(CausalLm.VAL_LOSS),
                summary.metric(CausalLm.VAL_PERPLEXITY), summary.unitsPerSecond()), "nats per token", summary);
        phases.doing("exporting the model to " + o.out().resolve(MODEL_DIR), () -> exportModel(o.out().resolve(MODEL_DIR), p.model(), p.lora()));
        if (p.method().kind() == PretrainMethod.Kind.LOQT) {
            phases.doing("exporting the NF4 model to " + o.out().resolve(MODEL_NF4_DIR),
                    () -> Nf4Export.save(o.out().resolve(MODEL_NF4_DIR), p.model().config(), LoqtAdapters.find(p.model())));
        }
        return summary;
    }

    /** The run's final model as a plain Hugging Face folder: what forward and finetune load from a run. */
    public static final String MODEL_DIR = "model";
    /** LoQT's final model as a bitsandbytes 4-bit folder (NF4 projections), beside the plain one. */
    public static final String MODEL_NF4_DIR = "model-nf4";

    /** Writes a plain HF folder; LoRA factors are merged in and left out, so transformers can load it. */
    public static void exportModel(Path dir, LlamaModel model, LoraAdapters lora) {
        if (LoqtAdapters.present(model)) {
            HfCheckpoint.save(dir, model.config(), LoqtAdapters.find(model).mergedWeights());
            return;
        }
        HfCheckpoint.save(dir, model.config(), FinetuneOutputs.mergedWeights(model.parameters(), lora, null));
    }

    record Saved(ModelShape shape, TrainConfig train, PretrainMethod method, Path corpus) {}

    private static Map<String, Object> runConfigJson(ModelShape s, TrainConfig t, PretrainMethod method, Path corpus) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("corpus", corpus == null ? null : corpus.toAbsolutePath().toString());
        m.put("tokenizer", "bytes");
        m.put("model", s);
        m.put("train", t);
        return m;
    }

    static Saved readRunConfig(Path file) {
        try {
            JsonNode j = Json.MAPPER.readTree(file.toFile());
            ModelShape s = Json.MAPPER.treeToValue(j.get("model"), ModelShape.class);
            TrainConfig t = Json.MAPPER.treeToValue(j.get("train"), TrainConfig.class);
            PretrainMethod method = Json.MAPPER.treeToValue(j.get("method"), PretrainMethod.class);
            JsonNode c = j.get("corpus");
            return new Saved(s, t, method, c == null || c.isNull() ? null : Path.of(c.asText()));
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new Lowrank4jException(file + ": unreadable run configuration (" + e.getMessage() + ")");
        }
    }
}
