package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.data.images.VisionDatasets;
import dev.lowrank4j.dlrt.DlrtOptions;
import dev.lowrank4j.dlrt.LowRankInit;
import dev.lowrank4j.dlrt.Truncation;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tasks.vision.DlrtJob;
import dev.lowrank4j.tasks.vision.DlrtSweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "dlrt", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Dynamical low-rank training (DLRT, KLS integrator) of LeNet5 or the dense network on images: "
                + "every weight layer but the last kept as U·S·Vᵀ, its rank chosen by the truncation tolerance ϑ.",
        footer = {"", "Examples:",
                "  lowrank4j dlrt --model lenet5 --data mnist --tau 0.15 --epochs 5",
                "  lowrank4j dlrt --model lenet5 --data mnist --epochs 3 --sweep 0.09,0.11,0.15,0.2,0.3,0.4 --out runs/sweep",
                "  lowrank4j dlrt --model mlp --data fashion-mnist --fixed-rank 20 --integrator adam --lr 0.001 --batch 256",
                "  lowrank4j dlrt --model lenet5 --data mnist --start-rank 20,50,500 --quirks scsteffen   # ScSteffen's setup",
                "  lowrank4j dlrt --out runs/dlrt-x --resume ...same options...     # continue from the last checkpoint",
                "  lowrank4j dlrt --model mlp --data mnist --epochs 1 --log-bounds 100   # bounds every 100 steps into RUN/metrics.jsonl",
                "", "--data: mnist (scripts/fetch-data.sh mnist), fashion-mnist (Debian package dataset-fashion-mnist)",
                "or a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and",
                "t10k-labels-idx1-ubyte (optionally .gz).",
                "The run folder holds run_config.json, metrics.jsonl (per epoch: losses, train/test accuracy,",
                "rank_LAYER), checkpoints/, model/ (lowrank_model.json + model.safetensors, see docs/DLRT.md),",
                "summary.json (test_accuracy, train_accuracy, test_compression, train_compression, ranks) and report.html."})
final class DlrtCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "lenet5", description = "lenet5 or mlp (784-500-500-500-500-10) (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--data", defaultValue = "mnist", description = "mnist, fashion-mnist or a folder of IDX files (default: ${DEFAULT-VALUE}).")
    String data;
    @Option(names = "--tau", defaultValue = "0.15", description = "Truncation tolerance ϑ, relative to ‖σ‖ unless --absolute-tau; in (0, 1) (default: ${DEFAULT-VALUE}).")
    double tau;
    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}; the paper's LeNet5 runs used up to 120).")
    int epochs;
    @Option(names = "--batch", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}, the LeNet5 scripts').")
    int batch;
    @Option(names = "--lr", defaultValue = "0.05", description = "Step size λ, constant (default: ${DEFAULT-VALUE}, the LeNet5 scripts').")
    double lr;
    @Option(names = "--start-rank", paramLabel = "R[,R...]", description = "Starting rank: one value for every low-rank layer (lowered to min(m, n) where needed) or one per layer (default: min(m, n)/2 per layer).")
    String startRank;
    @Option(names = "--fixed-rank", paramLabel = "R", description = "Fixed-rank KLS at rank R instead of rank-adaptive.")
    Integer fixedRank;
    @Option(names = "--sweep", paramLabel = "T1,T2,...", description = "Train the full-rank baseline and one adaptive run per ϑ, then a table (sweep.md, sweep.json).")
    String sweep;
    @Option(names = "--baseline", description = "Train the full-rank network the same way (same integrator, lr, batches) instead of DLRT.")
    boolean baseline;
    @Option(names = "--integrator", defaultValue = "sgd", description = "sgd (the paper's \"euler\") or adam (default: ${DEFAULT-VALUE}).")
    String integrator;
    @Option(names = "--init", defaultValue = "svd", description = "svd (ScSteffen: truncated SVD of the default init) or random (COMPiLELab: random orthonormal U, V) (default: ${DEFAULT-VALUE}).")
    String init;
    @Option(names = "--quirks", defaultValue = "paper", description = "paper, scsteffen (0.45·ϑ on dense layers) or compilelab (tail without the smallest σ, strict <, ranks in [2, min(m,n)/2]) (default: ${DEFAULT-VALUE}).")
    String quirks;
    @Option(names = "--absolute-tau", description = "ϑ is an absolute bound on the discarded singular values' norm.")
    boolean absoluteTau;
    @Option(names = "--max-rank", defaultValue = "0", description = "Cap on every layer's rank; 0 = the rule's own (default: ${DEFAULT-VALUE}).")
    int maxRank;
    @Option(names = "--seed", defaultValue = "42", description = "Seed for init and batch order (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/dlrt-<model>-<time>).")
    Path out;
    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint (same options).")
    boolean resume;
    @Option(names = "--log-bounds", paramLabel = "N", description = "Every N steps, log every generalization bound's"
            + " complexity (see 'lowrank4j bound'; low-rank layers as U·S·Vᵀ) into RUN/metrics.jsonl, charted in report.html.")
    Integer logBounds;
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        if (threads != null) Parallel.setThreads(threads);
        if (resume && out == null) throw new Lowrank4jException("--resume needs --out DIR (the run to continue)");
        if (batch < 1) throw new Lowrank4jException("--batch must be >= 1, got " + batch);
        if (!(lr > 0)) throw new Lowrank4jException("--lr must be > 0, got " + lr);
        if (epochs < 1) throw new Lowrank4jException("--epochs must be >= 1, got " + epochs);
        if (logBounds != null && logBounds < 1) throw new Lowrank4jException("--log-bounds must be >= 1, got " + logBounds);
        if (logBounds != null && sweep != null) throw new Lowrank4jException("--log-bounds applies to one run, not to --sweep");
        if (sweep != null && (fixedRank != null || baseline)) throw new Lowrank4jException("--sweep runs adaptive DLRT; it does not take --fixed-rank or --baseline");
        DlrtOptions d = options(sweep != null ? firstTau() : tau);
        int[] ranks = startRank == null ? null : parseInts("--start-rank", startRank);
        ImageSplit split = PhaseProgress.onStdout(0).during("loading " + data, () -> VisionDatasets.load(data));
        Path dir = out != null ? out : Path.of("runs", "dlrt-" + model + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        System.out.printf("lowrank4j dlrt: %s on %s (%,d train / %,d test images), %d threads%n", model, data,
                split.train().size(), split.test().size(), Parallel.threads());
        System.out.println("run folder: " + dir);
        DlrtJob.Options o = new DlrtJob.Options(model, data, split, baseline ? null : d, ranks, epochs, batch, lr, seed, dir, resume,
                d.integrator());
        if (sweep != null) {
            List<Double> taus = new ArrayList<>();
            for (String t : sweep.split(",")) taus.add(parseTau(t.strip()));
            int runs = taus.size() + 1; // the full-rank baseline first
            long sweepStart = System.nanoTime();
            int[] started = {0};
            List<DlrtSweep.Row> rows = DlrtSweep.run(o, taus, name -> {
                double elapsed = (System.nanoTime() - sweepStart) / 1e9;
                System.out.printf(Locale.ROOT, "== run %d/%d %s (sweep elapsed %s, eta %s)%n", started[0] + 1, runs, name,
                        ProgressFormat.duration(elapsed), ProgressFormat.eta(elapsed, started[0], runs));
                started[0]++;
                return new Progress(System.out, 50);
            });
            System.out.print(DlrtSweep.markdown(rows));
            System.out.println("sweep: " + dir.resolve("sweep.md") + ", " + dir.resolve("sweep.json") + ", " + dir.resolve("report.html"));
            return 0;
        }
        Progress progress = new Progress(System.out, 50);
        DlrtJob.Result r = DlrtJob.run(o, progress, logBounds == null ? 0 : logBounds);
        progress.endBar();
        if (r.alreadyFinished()) System.out.println("the run had already finished; its results:");
        System.out.printf(Locale.ROOT, "done: %d steps, test accuracy %.4f, train accuracy %.4f%n", r.steps(), r.testAccuracy(), r.trainAccuracy());
        System.out.printf(Locale.ROOT, "ranks %s; parameters %,d evaluation / %,d training of %,d: compression %.4f / %.4f%n",
                r.ranks(), r.counts().test(), r.counts().train(), r.counts().full(), r.counts().testCompression(), r.counts().trainCompression());
        System.out.println("summary: " + dir.resolve("summary.json") + "; model: " + dir.resolve(DlrtJob.MODEL_DIR)
                + "; report: " + dir.resolve("report.html"));
        return 0;
    }

    private double firstTau() {
        return parseTau(sweep.split(",")[0].strip());
    }

    private static double parseTau(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new Lowrank4jException("--sweep takes comma-separated numbers like 0.09,0.15, got '" + s + "'");
        }
    }

    private DlrtOptions options(double t) {
        DlrtOptions.IntegratorKind k = switch (integrator) {
            case "sgd" -> DlrtOptions.IntegratorKind.SGD;
            case "adam" -> DlrtOptions.IntegratorKind.ADAM;
            default -> throw new Lowrank4jException("--integrator must be sgd or adam, got '" + integrator + "'");
        };
        LowRankInit.Kind i = switch (init) {
            case "svd" -> LowRankInit.Kind.SVD_OF_DEFAULT;
            case "random" -> LowRankInit.Kind.RANDOM_ORTHONORMAL;
            default -> throw new Lowrank4jException("--init must be svd or random, got '" + init + "'");
        };
        DlrtOptions.Quirks q = switch (quirks) {
            case "paper" -> DlrtOptions.Quirks.PAPER;
            case "scsteffen" -> DlrtOptions.Quirks.SCSTEFFEN;
            case "compilelab" -> DlrtOptions.Quirks.COMPILELAB;
            default -> throw new Lowrank4jException("--quirks must be paper, scsteffen or compilelab, got '" + quirks + "'");
        };
        if (fixedRank != null && fixedRank < 1) throw new Lowrank4jException("--fixed-rank must be >= 1, got " + fixedRank);
        DlrtOptions base = new DlrtOptions(fixedRank == null ? 0 : fixedRank, fixedRank == null ? t : 0, absoluteTau,
                Truncation.Rule.PAPER, 1.0, maxRank, k, i);
        return base.withQuirks(q);
    }

    private static int[] parseInts(String option, String s) {
        String[] parts = s.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new Lowrank4jException(option + " takes a rank or comma-separated ranks like 20,50,500, got '" + s + "'");
            }
        }
        return out;
    }
}
