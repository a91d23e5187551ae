package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.loqt.LoqtConfig;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.PretrainJob;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.tasks.Preset;
import dev.lowrank4j.train.MemoryLedger;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.tasks.CausalLm;
import dev.lowrank4j.train.TrainSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Pretrain a byte-level LLaMA from scratch on a text corpus (default: the embedded Moby Dick).",
        footer = {"", "Examples:",
                "  lowrank4j pretrain                                  # tiny preset, a few minutes on 2 cores",
                "  lowrank4j pretrain --steps 5000 --out runs/moby     # longer run in a chosen folder",
                "  lowrank4j pretrain --out runs/moby --resume               # continue it bit-exactly after a crash",
                "  lowrank4j pretrain --out runs/moby --resume --steps 8000   # extend it (the cosine schedule stretches)",
                "  lowrank4j pretrain --corpus my.txt --dim 256 --layers 6 --heads 8 --hidden 688",
                "  lowrank4j pretrain --method galore --rank 32 --update-gap 200 --scale 0.25 --lr 0.01",
                "  lowrank4j pretrain --spark local[2] --method galore --clip 0  # 2 data-parallel replicas (docs/DISTRIBUTED.md)",
                "  lowrank4j pretrain --method loqt --rank 32 --lora-alpha 0.5 --update-gap 100 --increment 1.2 --compensation-iters 5 --lr 0.01",
                "  lowrank4j pretrain --method loqt-nq --rank 32 --lr 0.01                # LoQT without quantization",
                "", "The run folder holds run_config.json, metrics.jsonl, checkpoints/step-*/ (a Hugging Face",
                "model folder plus optimizer and trainer state) and summary.json."})
final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "tiny", description = "Model and budget preset: tiny, small, debug (default: ${DEFAULT-VALUE}).")
    String preset;
    @Option(names = "--steps", description = "Optimizer steps (default: preset's; tiny = 2000).")
    Integer steps;
    @Option(names = "--corpus", paramLabel = "FILE", description = "Text file to train on, read as bytes (default: embedded Moby Dick, CC0).")
    Path corpus;
    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/pretrain-<preset>-<time>).")
    Path out;
    @Option(names = "--resume", description = "Continue the run in --out (default: the newest runs/pretrain-*) from its last checkpoint.")
    boolean resume;
    @Option(names = "--method", defaultValue = "full", description = "How the attention/MLP weights train: full (AdamW), lora (adapter on frozen weights), galore, fira, loqt (NF4 W plus s*B*P from gradient SVDs, merged on an exponential schedule), loqt-nq (LoQT without quantization) (default: ${DEFAULT-VALUE}).")
    String method;
    @Option(names = "--rank", defaultValue = "0", description = "LoRA rank, GaLore/Fira projection rank or LoQT rank r; 0 = dim/4 (default: ${DEFAULT-VALUE}).")
    int rank;
    @Option(names = "--update-gap", description = "GaLore/Fira projector refresh period T in steps (default 200); LoQT's first merge gap T (default 100).")
    Long updateGap;
    @Option(names = "--scale", defaultValue = "0.25", description = "GaLore/Fira scale alpha (default: ${DEFAULT-VALUE}).")
    double scale;
    @Option(names = "--lora-alpha", description = "LoRA alpha, scaling = alpha/rank (default 32); LoQT's s, used directly (default 0.5).")
    Double loraAlpha;
    @Option(names = "--increment", defaultValue = "1.2", description = "LoQT: gaps grow as T + floor(psi^k); below 1 gives fixed gaps T (default: ${DEFAULT-VALUE}).")
    double increment;
    @Option(names = "--compensation-iters", defaultValue = "5", description = "LoQT: error-compensation iterations C; 0 starts B at zero (default: ${DEFAULT-VALUE}).")
    int compensationIters;
    @Option(names = "--quantize-projection", arity = "0..1", fallbackValue = "true", description = "LoQT: P in NF4 too; --quantize-projection false keeps it float32 (default: true).")
    Boolean quantizeProjection;
    @Option(names = "--reset-adapter-state", description = "LoQT: zero B's Adam moments at every merge (the authors carry them over).")
    boolean resetAdapterState;
    @Option(names = "--proj-type", defaultValue = "std", description = "GaLore projection side: std, reverse_std, left, right, full (default: ${DEFAULT-VALUE}).")
    String projType;
    @Option(names = "--svd", defaultValue = "exact", description = "GaLore/Fira projector SVD: exact (top-r, LAPACK when the system has it, else Java) or randomized (oversampling 8, 1 power iteration; inaccurate on flat spectra) (default: ${DEFAULT-VALUE}).")
    String svd;
    @Option(names = "--seed", defaultValue = "42", description = "Seed for model init and data order (default: ${DEFAULT-VALUE}).")
    long seed;
    @Mixin
    ModelShapeOptions shapeOptions;
    @Option(names = "--seq", description = "Tokens per sequence (default: preset's; tiny = 128).")
    Integer seq;
    @Option(names = "--batch", description = "Sequences per micro-batch (default: preset's; tiny = 16).")
    Integer batch;
    @Option(names = "--accum", defaultValue = "1", description = "Micro-batches per optimizer step (default: ${DEFAULT-VALUE}).")
    int accum;
    @Option(names = "--lr", description = "Peak learning rate (default: preset's; tiny = 3e-3).")
    Double lr;
    @Option(names = "--warmup", description = "Linear warmup steps (default: 10%% of steps).")
    Integer warmup;
    @Option(names = "--weight-decay", defaultValue = "0.1", description = "Decoupled weight decay: AdamW (full, lora) decays matrices only; galore and fira decay every parameter, norms included, as their reference AdamW does (default: ${DEFAULT-VALUE}; the GaLore/Fira scripts use 0).")
    double weightDecay;
    @Option(names = "--beta2", defaultValue = "0.95", description = "Adam beta2 for every method (default: ${DEFAULT-VALUE}, LLaMA pretraining practice; the GaLore/Fira reference scripts use 0.999).")
    double beta2;
    @Option(names = "--clip", defaultValue = "1.0", description = "Gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    double clip;
    @Option(names = "--eval-every", description = "Validate every N steps (default: steps/8).")
    Integer evalEvery;
    @Option(names = "--eval-batches", defaultValue = "8", description = "Validation batches per evaluation (default: ${DEFAULT-VALUE}).")
    int evalBatches;
    @Option(names = "--checkpoint-every", description = "Checkpoint every N steps (default: steps/4).")
    Integer checkpointEvery;
    @Option(names = "--log-bounds", paramLabel = "N", description = "Every N steps, log every generalization bound's"
            + " complexity (see 'lowrank4j bound') into RUN/metrics.jsonl (log10_koopman, log10_spectral, ...), charted in report.html.")
    Integer logBounds;
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;
    @Option(names = "--spark", paramLabel = "MASTER", description = "Train data-parallel on Apache Spark: local[N] on this machine, or a cluster master (docs/DISTRIBUTED.md). --batch is per worker.")
    String spark;
    @Option(names = "--workers", description = "With --spark: number of replicas (default: N of local[N]).")
    Integer workers;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (logBounds != null && logBounds < 1) throw new Lowrank4jException("--log-bounds must be >= 1, got " + logBounds);
        if (threads != null) Parallel.setThreads(threads);
        Preset p = Preset.byName(preset);
        int s = steps != null ? steps : p.steps;
        int sq = seq != null ? seq : p.seq;
        ModelShape shape = shapeOptions.apply(p.shape, sq);
        TrainConfig.Builder b = TrainConfig.builder().steps(s).batch(batch != null ? batch : p.batch).seq(sq).accum(accum)
                .lr(lr != null ? lr : p.lr).weightDecay(weightDecay).betas(TrainConfig.DEFAULT_BETA1, beta2).clip(clip)
                .evalBatches(evalBatches).seed(seed);
        if (warmup != null) b.warmup(warmup);
        if (evalEvery != null) b.evalEvery(evalEvery);
        if (checkpointEvery != null) b.checkpointEvery(checkpointEvery);
        TrainConfig train = b.build();
        Path runDir = out != null ? out : (resume ? newestRun() : defaultRunDir(p));
        PretrainMethod.Kind kind = PretrainMethod.parseKind(method);
        boolean loqt = kind == PretrainMethod.Kind.LOQT || kind == PretrainMethod.Kind.LOQT_NQ;
        PretrainMethod m = new PretrainMethod(kind, rank, updateGap != null ? updateGap : loqt ? LoqtConfig.DEFAULT_GAP : 200,
                scale, loraAlpha != null ? loraAlpha : loqt ? LoqtConfig.DEFAULT_ALPHA : 32, projType, svd, increment,
                kind == PretrainMethod.Kind.LOQT_NQ ? 0 : compensationIters,
                kind == PretrainMethod.Kind.LOQT && (quantizeProjection == null || quantizeProjection), resetAdapterState);
        MethodOptions.check(spec, m.kind(), "--method " + m.id());
        PretrainJob.Options options = new PretrainJob.Options(shape, train, m, corpus, runDir, resume, steps != null);
        if (resume) {
            System.out.printf("lowrank4j pretrain: resuming with the settings in its run_config.json, %d threads, gemm %s%n",
                    Parallel.threads(), Gemm.kernel().name());
        } else {
            System.out.printf("lowrank4j pretrain: preset %s, method %s, %d threads, gemm %s%n", p.id, m.id(),
                    Parallel.threads(), Gemm.kernel().name());
        }
        System.out.println("run folder: " + runDir);
        if (workers != null && spark == null) throw new Lowrank4jException("--workers needs --spark MASTER");
        if (spark != null) return distributed(options);
        Progress progress = new Progress(System.out, train.logEvery());
        TrainSummary sum = PretrainJob.run(options, progress, logBounds == null ? null
                : prepared -> new dev.lowrank4j.bounds.BoundsLogHook(prepared.model(), "llama (pretrain)", false, logBounds,
                        dev.lowrank4j.bounds.KoopmanOptions.defaults()));
        progress.endBar();
        double val = sum.metric(CausalLm.VAL_LOSS);
        System.out.printf("done: %d steps, train_loss %.4f, val_loss %.4f nats/token (perplexity %.3f), %,.0f tokens/s%n",
                sum.steps(), sum.trainLoss(), val, Math.exp(val), sum.unitsPerSecond());
        System.out.printf("parameters: %,d trainable of %,d%n", sum.trainableParameters(), sum.totalParameters());
        System.out.println("memory by category:");
        System.out.print(sum.memory().format());
        System.out.println("summary: " + runDir.resolve("summary.json"));
        System.out.println("model (Hugging Face layout, any LoRA or LoQT adapter merged): "
                + runDir.resolve(PretrainJob.MODEL_DIR));
        System.out.println("last checkpoint (for --resume): " + sum.finalCheckpoint());
        return 0;
    }

    private int distributed(PretrainJob.Options options) {
        int n = workers != null ? workers : DistributedBackend.defaultWorkers(spark);
        System.out.printf("spark: %s, %d workers, batch %d per worker (global batch %d)%n", spark, n, options.train().batch(),
                n * options.train().batch());
        java.util.Map<String, Object> sum = DistributedBackend.load().pretrain(options, spark, n);
        System.out.printf(java.util.Locale.ROOT, "done: %s steps, train_loss %.4f, val_loss %.4f nats/token; replicas bit-identical%n",
                sum.get("steps"), ((Number) sum.get("train_loss")).doubleValue(), ((Number) sum.get(CausalLm.VAL_LOSS)).doubleValue());
        System.out.println("summary: " + options.out().resolve("summary.json") + "; bytes exchanged per step: "
                + options.out().resolve("metrics.jsonl") + " (exchange_bytes_sent)");
        return 0;
    }

    private static Path defaultRunDir(Preset p) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", "pretrain-" + p.id + "-" + stamp);
    }

    private static Path newestRun() {
        Path runs = Path.of("runs");
        if (!Files.isDirectory(runs)) throw new Lowrank4jException("--resume: no runs/ folder here; pass --out RUN_DIR");
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(d -> d.getFileName().toString().startsWith("pretrain-"))
                    .filter(d -> Files.isRegularFile(d.resolve("run_config.json")))
                    .max(Comparator.comparing(d -> d.toFile().lastModified()))
                    .orElseThrow(() -> new Lowrank4jException("--resume: no runs/pretrain-* run found; pass --out RUN_DIR"));
        } catch (IOException e) {
            throw new Lowrank4jException("--resume: cannot list runs/ (" + e.getMessage() + ")");
        }
    }
}
