package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.bench.GemmBenchmark;
import dev.lowrank4j.bench.QuantizedGemmBenchmark;
import dev.lowrank4j.tasks.StepBenchmark;
import dev.lowrank4j.tasks.vision.VisionStepBenchmark;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.PretrainMethod;
import dev.lowrank4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Speed benchmarks (results belong in docs/BENCHMARKS.md, with the command and machine).",
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Step.class, DecodeBenchCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "step", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Median milliseconds per training step (forward + backward + AdamW) of a LLaMA on random tokens.",
            footer = {"", "Example (the shape of shared/peers/torch_llama_step.py):",
                    "  lowrank4j bench step --vocab 4096 --dim 256 --layers 4 --heads 4 --hidden 688 --seq 128 --batch 8 --json",
                    "The GaLore papers' 60M LLaMA (vocab 32000, dim 512, 8 layers, 8 heads, SwiGLU 1376) at seq 256, batch 4:",
                    "  lowrank4j bench step --preset 60m --json",
                    "GaLore overhead including one projector refresh (mean over T = 200 timed steps):",
                    "  lowrank4j bench step --method galore --rank 64 --update-gap 200 --steps 200",
                    "DLRT's networks (the shape of shared/peers/torch_lenet_step.py; SGD at lr 0.05, or fixed-rank KLS):",
                    "  lowrank4j bench step --model lenet5 --json              # batch 64",
                    "  lowrank4j bench step --model mlp --method dlrt --rank 20   # batch 256"})
    static final class Step implements Callable<Integer> {
        @Mixin
        ModelShapeOptions shapeOptions;
        @Option(names = "--preset", paramLabel = "CONFIG", description = "A LLaMA configuration of the GaLore/Fira/LoQT papers "
                + "(9m, 20m, 35m, 60m, 130m, 350m, 1b, 7b: vocab 32000, untied head) as the starting shape; the flags above "
                + "override its fields. With a preset --seq defaults to 256 and --batch to 4.")
        String preset;
        @Option(names = "--seq", description = "Tokens per sequence (default: 128; 256 with --preset).")
        Integer seq;
        @Option(names = "--batch", description = "Sequences per step (default: 8; 4 with --preset; with --model: 64 for lenet5, 256 for mlp).")
        Integer batch;
        @Option(names = "--model", description = "Time DLRT's image networks instead of a LLaMA: lenet5 or mlp (with --method full or dlrt).")
        String model;
        @Option(names = "--steps", defaultValue = "20", description = "Timed steps (default: ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--warmup", description = "Untimed warmup steps, while the JIT compiles (default: 5; 100 with --model, "
                + "whose steps take milliseconds: about the 2 s the JIT needs to finish the kernels).")
        Integer warmup;
        @Option(names = "--threads", description = "Worker threads (default: all cores).")
        Integer threads;
        @Option(names = "--method", defaultValue = "full", description = "Optimizer/method: full (AdamW), lora, galore, fira, loqt, loqt-nq (LoQT merges at step 0, so the first step includes an SVD per layer) (default: ${DEFAULT-VALUE}).")
        String method;
        @Option(names = "--rank", defaultValue = "0", description = "Rank for lora/galore/fira; 0 = dim/4 (default: ${DEFAULT-VALUE}).")
        int rank;
        @Option(names = "--update-gap", defaultValue = "200", description = "GaLore/Fira refresh period T (default: ${DEFAULT-VALUE}).")
        long updateGap;
        @Option(names = "--svd", defaultValue = "exact", description = "GaLore/Fira/LoQT projector SVD: exact (top-r, LAPACK when the system has it, else Java) or randomized (oversampling 8, 1 power iteration; inaccurate on flat spectra) (default: ${DEFAULT-VALUE}).")
        String svd;
        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (threads != null) Parallel.setThreads(threads);
            if (model != null) {
                if (preset != null) throw new dev.lowrank4j.Lowrank4jException("--preset names a LLaMA shape; it does not apply with --model");
                return vision();
            }
            int batch = this.batch != null ? this.batch : preset != null ? 4 : 8;
            int seq = this.seq != null ? this.seq : preset != null ? 256 : 128;
            PretrainMethod.Kind kind = PretrainMethod.parseKind(method);
            PretrainMethod m = kind == PretrainMethod.Kind.LOQT || kind == PretrainMethod.Kind.LOQT_NQ
                    ? PretrainMethod.loqt(kind == PretrainMethod.Kind.LOQT, rank)
                            .withUpdateGap(Applicability.given(spec, "--update-gap") ? updateGap : null).withSvd(svd)
                    : new PretrainMethod(kind, rank, updateGap, 0.25, 32, "std", svd);
            MethodOptions.check(spec, m.kind(), "--method " + m.id());
            int warmup = this.warmup != null ? this.warmup : 5;
            if (steps < 1 || warmup < 0 || seq < 1 || batch < 1) {
                throw new dev.lowrank4j.Lowrank4jException("--steps, --seq and --batch must be >= 1 and --warmup >= 0");
            }
            ModelShape base = preset == null ? new ModelShape(4096, 256, 4, 4, 4, 688, seq) : paperShape(preset, seq);
            ModelShape shape = shapeOptions.apply(base, seq);
            StepBenchmark.Result r = StepBenchmark.run(shape, batch, seq, warmup, steps, m, PhaseProgress.beside(json));
            if (json) {
                System.out.println(Json.compact(r.toJson()));
            } else {
                System.out.printf("method=%s params=%,d threads=%d gemm=%s est_GFLOP/step=%.1f%n", r.method(), r.parameters(),
                        r.threads(), r.gemm(), r.gflopPerStep());
                System.out.printf("step_ms median=%.1f mean=%.1f min=%.1f max=%.1f steps=%d tokens/s=%,.0f effective_GFLOP/s=%.1f%n",
                        r.medianMs(), r.meanMs(), r.minMs(), r.maxMs(), r.steps(), r.tokensPerSecond(),
                        r.gflopPerStep() / (r.medianMs() / 1e3));
                System.out.printf("gemm_GFLOP/s=%.1f (same run, %d threads, %dx%dx%d) step/gemm=%.2f ledger=%s%n", r.gemmGflops(),
                        r.threads(), batch * seq, shape.hidden(), shape.dim(), r.fractionOfGemm(),
                        dev.lowrank4j.train.MemoryLedger.human(r.ledgerBytes()));
                StringBuilder phases = new StringBuilder("phases (mean ms per step):");
                r.phasesMs().forEach((name, v) -> phases.append(String.format(java.util.Locale.ROOT, " %s=%.1f", name, v)));
                System.out.println(phases);
            }
            return 0;
        }

        /** A paper preset's LLaMA shape (kv heads = heads) with context {@code seq}. */
        static ModelShape paperShape(String name, int seq) {
            dev.lowrank4j.optim.LlamaPaperConfig c = dev.lowrank4j.optim.LlamaPaperConfig.byName(name);
            return new ModelShape(c.vocab(), c.hidden(), c.layers(), c.heads(), c.heads(), c.intermediate(), seq);
        }

        /** bench step --model: one SGD (full) or fixed-rank KLS (dlrt) step of LeNet5 or the dense network. */
        private int vision() {
            if (!method.equals("full") && !method.equals("dlrt")) {
                throw new dev.lowrank4j.Lowrank4jException("--model takes --method full or dlrt, got '" + method + "'");
            }
            if (!model.equals("lenet5") && !model.equals("mlp")) {
                throw new dev.lowrank4j.Lowrank4jException("--model must be lenet5 or mlp, got '" + model + "'");
            }
            int b = batch != null ? batch : model.equals("lenet5") ? 64 : 256;
            int warmup = this.warmup != null ? this.warmup : 100;
            if (steps < 1 || warmup < 0 || b < 1) throw new dev.lowrank4j.Lowrank4jException("--steps and --batch must be >= 1 and --warmup >= 0");
            int r = method.equals("dlrt") ? (rank > 0 ? rank : 20) : 0;
            VisionStepBenchmark.Result res = VisionStepBenchmark.run(model, b, warmup, steps, r, PhaseProgress.beside(json));
            if (json) {
                System.out.println(Json.compact(res.toJson()));
            } else {
                System.out.printf("model=%s method=%s batch=%d params=%,d threads=%d gemm=%s%n", res.model(), res.method(), res.batch(),
                        res.parameters(), res.threads(), res.gemm());
                System.out.printf("step_ms median=%.2f mean=%.2f min=%.2f max=%.2f steps=%d images/s=%,.0f%n", res.medianMs(),
                        res.meanMs(), res.minMs(), res.maxMs(), res.steps(), res.imagesPerSecond());
            }
            return 0;
        }
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "GEMM GFLOP/s of the Java kernel (and OpenBLAS through FFM when installed) at 1 and 2 threads;"
                    + " with --weights nf4, fp32 weights beside the same weights in NF4 (fused dequantizing kernels).",
            footer = {"", "Examples:", "  lowrank4j bench gemm --json",
                    "  lowrank4j bench gemm --weights nf4                      # training shapes and 1-8-row decode shapes",
                    "  lowrank4j bench gemm --weights nf4 --shapes 1x4096x4096,2048x768x768 --json",
                    "", "OpenBLAS is measured when libopenblas0-pthread is installed (apt-get install libopenblas0-pthread).",
                    "With --weights nf4 each result has \"weights\": \"fp32\" or \"nf4\" and \"product\": \"forward\" (y = x·Wᵀ)",
                    "or \"input_grad\" (dx = dy·W), for x m×k and W n×k."})
    static final class Gemm implements Callable<Integer> {
        @Option(names = "--json", description = "Print one JSON object {\"results\":[...]} instead of a table.")
        boolean json;
        @Option(names = "--weights", defaultValue = "fp32", description = "fp32 (the GEMM shapes of the engine, java beside"
                + " OpenBLAS) or nf4 (fp32 beside NF4 weights) (default: ${DEFAULT-VALUE}).")
        String weights;
        @Option(names = "--shapes", paramLabel = "MxNxK,...", description = "With --weights nf4: the shapes (x m×k, W n×k;"
                + " default: 1024x1024x1024, 2048x768x768, 4096x512x2048 and 1, 4, 8 rows of a 4096x4096 weight).")
        String shapes;
        @Option(names = "--rounds", description = "With --weights nf4: turns each format takes per shape (default: 3).")
        Integer rounds;
        @Option(names = "--round-seconds", description = "With --weights nf4: length of one turn, best call kept (default: 0.6).")
        Double roundSeconds;

        @Override
        public Integer call() {
            switch (weights) {
                case "fp32" -> {
                    if (shapes != null || rounds != null || roundSeconds != null) {
                        throw new Lowrank4jException("--shapes, --rounds and --round-seconds apply to --weights nf4; fp32 runs the engine's fixed shapes");
                    }
                    return GemmBenchRunner.run(json);
                }
                case "nf4" -> {
                    int r = rounds == null ? GemmBenchmark.DEFAULT_ROUNDS : rounds;
                    double seconds = roundSeconds == null ? GemmBenchmark.DEFAULT_ROUND_SECONDS : roundSeconds;
                    if (r < 1 || !(seconds > 0)) throw new Lowrank4jException("--rounds must be >= 1 and --round-seconds > 0");
                    return GemmBenchRunner.runNf4(json, shapes == null ? QuantizedGemmBenchmark.DEFAULT_SHAPES : nf4Shapes(shapes),
                            r, seconds);
                }
                default -> throw new Lowrank4jException("--weights must be fp32 or nf4, got '" + weights + "'");
            }
        }

        private static List<GemmBenchmark.Shape> nf4Shapes(String spec) {
            List<GemmBenchmark.Shape> parsed;
            try {
                parsed = GemmBenchmark.parseShapes(spec);
            } catch (IllegalArgumentException e) {
                throw new Lowrank4jException("--shapes must be MxNxK[,MxNxK...] with positive sizes, got '" + spec + "'");
            }
            for (GemmBenchmark.Shape s : parsed) {
                if (s.m() < 1 || s.n() < 1 || s.k() < 1 || !s.op().equals("nn")) {
                    throw new Lowrank4jException("--shapes must be MxNxK[,MxNxK...] with positive sizes (no :op), got '" + spec + "'");
                }
            }
            return parsed;
        }
    }
}
