package dev.lowrank4j.cli;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tasks.CompareJob;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.tasks.Preset;
import dev.lowrank4j.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Pretrain the same LLaMA with full-rank AdamW, LoRA, GaLore and Fira on one token budget and compare.",
        footer = {"", "Default learning rates are the best of a small sweep per method at the default budget",
                "(docs/COMPARE.md): full 3e-3, lora 3e-3, galore 2e-2, fira 1e-2.", "", "Examples:",
                "  lowrank4j compare                                   # tiny model, 4 methods, a few minutes on 2 cores",
                "  lowrank4j compare --steps 1500 --rank 16 --out runs/cmp",
                "  lowrank4j compare --methods full,galore --lr-galore 0.02",
                "  lowrank4j compare --methods full,galore,loqt,loqt-nq     # LoQT with its script defaults (T 100, psi 1.2, s 0.5, C 5)",
                "", "Writes <out>/<method>/ run folders, <out>/compare.json and a self-contained <out>/report.html",
                "with the loss curves."})
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--methods", defaultValue = "full,lora,galore,fira", split = ",", description = "Methods to run, any of full, lora, galore, fira, loqt, loqt-nq (default: ${DEFAULT-VALUE}).")
    List<String> methods;
    @Option(names = "--preset", defaultValue = "tiny", description = "Model preset (default: ${DEFAULT-VALUE}).")
    String preset;
    @Mixin
    ModelShapeOptions shapeOptions;
    @Option(names = "--steps", defaultValue = "600", description = "Steps per method (default: ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--batch", description = "Sequences per step (default: preset's).")
    Integer batch;
    @Option(names = "--seq", description = "Tokens per sequence (default: preset's).")
    Integer seq;
    @Option(names = "--rank", defaultValue = "0", description = "Rank for lora/galore/fira; 0 = dim/4 (default: ${DEFAULT-VALUE}).")
    int rank;
    @Option(names = "--update-gap", description = "GaLore/Fira refresh period T, LoQT first merge gap T (default: 200 for galore/fira, 100 for loqt).")
    Long updateGap;
    @Option(names = "--scale", defaultValue = "0.25", description = "GaLore/Fira scale alpha (default: ${DEFAULT-VALUE}).")
    double scale;
    @Option(names = "--svd", defaultValue = "exact", description = "GaLore/Fira projector SVD: exact (top-r, LAPACK when the system has it, else Java) or randomized (oversampling 8, 1 power iteration; inaccurate on flat spectra) (default: ${DEFAULT-VALUE}).")
    String svd;
    @Option(names = "--lr-full", defaultValue = "3e-3", description = "Peak lr for full (default: ${DEFAULT-VALUE}).")
    double lrFull;
    @Option(names = "--lr-lora", defaultValue = "3e-3", description = "Peak lr for lora (default: ${DEFAULT-VALUE}).")
    double lrLora;
    @Option(names = "--lr-galore", defaultValue = "2e-2", description = "Peak lr for galore (default: ${DEFAULT-VALUE}).")
    double lrGalore;
    @Option(names = "--lr-fira", defaultValue = "1e-2", description = "Peak lr for fira (default: ${DEFAULT-VALUE}).")
    double lrFira;
    @Option(names = "--lr-loqt", defaultValue = "1e-2", description = "Peak lr for loqt (default: ${DEFAULT-VALUE}).")
    double lrLoqt;
    @Option(names = "--lr-loqt-nq", defaultValue = "1e-2", description = "Peak lr for loqt-nq (default: ${DEFAULT-VALUE}).")
    double lrLoqtNq;
    @Option(names = "--seed", defaultValue = "42", description = "Seed shared by every method (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--corpus", paramLabel = "FILE", description = "Text file (default: embedded Moby Dick).")
    Path corpus;
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/compare-<time>).")
    Path out;
    @Option(names = "--beta2", defaultValue = "0.95", description = "Adam beta2 for every method (default: ${DEFAULT-VALUE}; the GaLore/Fira reference scripts use 0.999).")
    double beta2;
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (threads != null) Parallel.setThreads(threads);
        Preset p = Preset.byName(preset);
        int sq = seq != null ? seq : p.seq;
        ModelShape shape = shapeOptions.apply(p.shape, sq);
        // one checkpoint at the end per method (compare runs are short and not resumed); no weight decay
        TrainConfig train = TrainConfig.builder().steps(steps).batch(batch != null ? batch : p.batch).seq(sq).lr(lrFull)
                .betas(TrainConfig.DEFAULT_BETA1, beta2).evalEvery(Math.max(1, steps / 10)).checkpointEvery(steps)
                .keepCheckpoints(1).seed(seed).build();
        List<CompareJob.Entry> entries = new ArrayList<>();
        if (methods.stream().map(String::trim).distinct().count() < methods.size()) {
            throw new dev.lowrank4j.Lowrank4jException("--methods lists a method twice: " + String.join(",", methods));
        }
        for (String m : methods) {
            PretrainMethod.Kind kind = PretrainMethod.parseKind(m.trim());
            double lr = switch (kind) {
                case FULL -> lrFull;
                case LORA -> lrLora;
                case GALORE -> lrGalore;
                case FIRA -> lrFira;
                case LOQT -> lrLoqt;
                case LOQT_NQ -> lrLoqtNq;
            };
            PretrainMethod method = kind == PretrainMethod.Kind.LOQT || kind == PretrainMethod.Kind.LOQT_NQ
                    ? PretrainMethod.loqt(kind == PretrainMethod.Kind.LOQT, rank).withUpdateGap(updateGap)
                    : new PretrainMethod(kind, rank, updateGap != null ? updateGap : 200, scale, 32, "std", svd);
            entries.add(new CompareJob.Entry(method, lr));
        }
        List<PretrainMethod.Kind> kinds = entries.stream().map(e -> e.method().kind()).toList();
        String context = "--methods " + String.join(",", methods);
        Applicability.onlyWhen(spec, kinds.stream().anyMatch(k -> k != PretrainMethod.Kind.FULL), context,
                "it sets the rank of lora, galore, fira and loqt", "--rank");
        Applicability.onlyWhen(spec, kinds.contains(PretrainMethod.Kind.GALORE) || kinds.contains(PretrainMethod.Kind.FIRA),
                context, "galore and fira only", "--scale", "--svd");
        Applicability.onlyWhen(spec, kinds.stream().anyMatch(k -> k != PretrainMethod.Kind.FULL && k != PretrainMethod.Kind.LORA),
                context, "galore, fira and loqt only", "--update-gap");
        for (PretrainMethod.Kind k : PretrainMethod.Kind.values()) {
            Applicability.onlyWhen(spec, kinds.contains(k), context, "that method is not run",
                    "--lr-" + k.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        Path dir = out != null ? out : Path.of("runs", "compare-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        System.out.printf("lowrank4j compare: %s on preset %s, %d steps each, %d threads; output %s%n",
                String.join(", ", methods), p.id, steps, Parallel.threads(), dir);
        List<CompareJob.Row> rows = CompareJob.run(new CompareJob.Options(shape, train, entries, corpus, dir), method -> {
            System.out.println("== " + method);
            return new Progress(System.out, Math.max(1, steps / 4)) {
                @Override
                public void onStart(long startStep, long totalSteps, dev.lowrank4j.train.MemoryLedger ledger) {
                    quietStart(totalSteps);
                }
            };
        });
        System.out.println();
        System.out.print(CompareJob.formatTable(rows));
        System.out.println("report: " + dir.resolve("report.html"));
        return 0;
    }
}
