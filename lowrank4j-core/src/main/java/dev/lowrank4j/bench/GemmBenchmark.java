package dev.lowrank4j.bench;

import dev.lowrank4j.kernels.GemmKernel;
import dev.lowrank4j.kernels.OpenBlasGemm;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.kernels.VectorGemm;
import dev.lowrank4j.util.PhaseListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Measures sgemm throughput (GFLOP/s = 2·m·n·k / time) of the Java kernel and, when installed,
 * OpenBLAS, for given shapes and thread counts.
 *
 * <p>Method: C = A·B (no transposes, alpha 1, beta 0) on uniform random data. Each backend is
 * warmed up first (JIT compilation, packing buffers, OpenBLAS thread start). Then, per shape and
 * thread count, the backends take turns for {@code rounds} rounds of {@code roundSeconds} each;
 * every call is timed on its own and the result is the <b>best</b> call. Best-of rather than
 * median because on a shared machine other processes only ever make a call slower, and taking
 * turns keeps a busy spell from penalizing just one backend.
 */
public final class GemmBenchmark {
    /**
     * One product: C (m×n) = op(A)·op(B) with inner dimension k, where {@code op} is "nn", "tn"
     * (Aᵀ·B: a weight gradient Xᵀ·dY), "nt" (A·Bᵀ: an input gradient dY·Wᵀ) or "tt".
     */
    public record Shape(int m, int n, int k, String op) {
        public Shape {
            if (!List.of("nn", "tn", "nt", "tt").contains(op)) throw new IllegalArgumentException("op must be nn, tn, nt or tt, got " + op);
        }

        /** No transposes. */
        public Shape(int m, int n, int k) {
            this(m, n, k, "nn");
        }

        boolean transA() {
            return op.charAt(0) == 't';
        }

        boolean transB() {
            return op.charAt(1) == 't';
        }

        double flops() {
            return 2.0 * m * n * k;
        }

        /** "1024×1024×1024", with " tn" etc. when transposed. */
        String label() {
            return m + "×" + n + "×" + k + (op.equals("nn") ? "" : " " + op);
        }
    }

    /** Best observed throughput of one backend at one thread count on one shape. */
    public record Result(String backend, int threads, int m, int n, int k, String op, double gflops) {
        public Result(String backend, int threads, int m, int n, int k, double gflops) {
            this(backend, threads, m, n, k, "nn", gflops);
        }
    }

    /** All results of a run, in measurement order. */
    public record Report(List<Result> results) {
        /**
         * {@code {"results":[{"backend":"java","weights":"fp32","threads":1,"m":1024,"n":1024,"k":1024,"op":"nn",
         * "gflops":123.4}, ...]}}: {@code weights} as in {@link QuantizedGemmBenchmark}'s results (every operand here is fp32).
         */
        public String toJson() {
            return results.stream()
                    .map(r -> String.format(Locale.ROOT,
                            "{\"backend\":\"%s\",\"weights\":\"fp32\",\"threads\":%d,\"m\":%d,\"n\":%d,\"k\":%d,\"op\":\"%s\",\"gflops\":%.1f}",
                            r.backend(), r.threads(), r.m(), r.n(), r.k(), r.op(), r.gflops()))
                    .collect(Collectors.joining(",", "{\"results\":[", "]}"));
        }

        /** Human-readable table with the java/openblas ratio where both were measured. */
        public String toTable() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-20s %7s %10s %10s %7s%n",
                    "m×n×k", "threads", "java", "openblas", "ratio"));
            for (Result j : results) {
                if (!j.backend().equals("java")) continue;
                Result o = results.stream()
                        .filter(r -> r.backend().equals("openblas") && r.threads() == j.threads()
                                && r.m() == j.m() && r.n() == j.n() && r.k() == j.k() && r.op().equals(j.op()))
                        .findFirst().orElse(null);
                sb.append(String.format(Locale.ROOT, "%-20s %7d %10.1f %10s %7s%n",
                        new Shape(j.m(), j.n(), j.k(), j.op()).label(), j.threads(), j.gflops(),
                        o == null ? "-" : String.format(Locale.ROOT, "%.1f", o.gflops()),
                        o == null ? "-" : String.format(Locale.ROOT, "%.2f", j.gflops() / o.gflops())));
            }
            return sb.toString();
        }
    }

    /**
     * Square and rectangular products without transposes; the two transposed variants of a
     * backward pass; the skinny products of adapters and low-rank layers (a 16- or 64-wide
     * factor against 1024 features over 4096 tokens: x·A, the rank-r gradient Gᵀ·X, and the
     * up-projection).
     */
    public static final List<Shape> DEFAULT_SHAPES = List.of(
            new Shape(1024, 1024, 1024), new Shape(2048, 768, 768), new Shape(4096, 512, 2048),
            new Shape(1024, 1024, 1024, "tn"), new Shape(1024, 1024, 1024, "nt"),
            new Shape(4096, 16, 1024), new Shape(4096, 64, 1024), new Shape(16, 1024, 4096, "tn"),
            new Shape(4096, 1024, 16));
    public static final List<Integer> DEFAULT_THREADS = List.of(1, 2);
    public static final int DEFAULT_ROUNDS = 5;
    public static final double DEFAULT_ROUND_SECONDS = 0.6;
    /** Warm-up per backend, relative to one round (JIT compilation settles within ~1 s). */
    private static final double WARMUP_ROUNDS = 1.5;

    private GemmBenchmark() {}

    /** Default shapes and thread counts, java and (if present) openblas. */
    public static Report run() {
        return run(PhaseListener.SILENT);
    }

    /** The default shapes and thread counts, reporting the warm-up and each case measured (about two minutes). */
    public static Report run(PhaseListener progress) {
        return run(DEFAULT_SHAPES, DEFAULT_THREADS, OpenBlasGemm.available(), DEFAULT_ROUNDS, DEFAULT_ROUND_SECONDS, progress);
    }

    public static Report run(List<Shape> shapes, List<Integer> threads) {
        return run(shapes, threads, OpenBlasGemm.available(), DEFAULT_ROUNDS, DEFAULT_ROUND_SECONDS);
    }

    /**
     * @param withOpenBlas also measure OpenBLAS (ignored when the library is absent)
     * @param rounds turns each backend takes per shape and thread count
     * @param roundSeconds length of one turn; at least 3 calls are timed per turn regardless
     */
    public static Report run(List<Shape> shapes, List<Integer> threads, boolean withOpenBlas,
                             int rounds, double roundSeconds) {
        return run(shapes, threads, withOpenBlas, rounds, roundSeconds, PhaseListener.SILENT);
    }

    public static Report run(List<Shape> shapes, List<Integer> threads, boolean withOpenBlas,
                             int rounds, double roundSeconds, PhaseListener progress) {
        List<GemmKernel> backends = new ArrayList<>(List.of(new VectorGemm()));
        if (withOpenBlas && OpenBlasGemm.available()) backends.add(OpenBlasGemm.create());
        int originalThreads = Parallel.threads();
        List<Result> results = new ArrayList<>();
        try {
            progress.doing("warming up " + backends.size() + " GEMM kernel(s)", () -> warmUp(backends, WARMUP_ROUNDS * roundSeconds));
            progress.begin("measuring GEMM", (long) shapes.size() * threads.size(), "shape and thread cases");
            for (Shape shape : shapes) {
                Operands x = new Operands(shape);
                for (int t : threads) {
                    Parallel.setThreads(t); // OpenBlasGemm follows Parallel's thread count
                    double[] best = new double[backends.size()];
                    for (int round = 0; round < rounds; round++) {
                        for (int b = 0; b < backends.size(); b++) {
                            best[b] = Math.max(best[b], bestGflops(backends.get(b), x, roundSeconds, 3));
                        }
                    }
                    for (int b = 0; b < backends.size(); b++) {
                        results.add(new Result(backends.get(b).name(), t, shape.m(), shape.n(), shape.k(), shape.op(), best[b]));
                    }
                    progress.advance(results.size() / backends.size());
                }
            }
            progress.end();
        } finally {
            Parallel.setThreads(originalThreads);
        }
        return new Report(results);
    }

    /**
     * Best GFLOP/s of one kernel on one shape at the current thread count: a short warm-up, then
     * calls timed one by one for about {@code seconds}. What {@code bench step} reports beside a
     * step time, so the two numbers come from the same sitting.
     */
    public static double measure(GemmKernel gemm, Shape shape, double seconds) {
        Operands x = new Operands(shape);
        bestGflops(gemm, x, seconds / 2, 3);
        return bestGflops(gemm, x, seconds, 3);
    }

    private static void warmUp(List<GemmKernel> backends, double seconds) {
        Operands x = new Operands(new Shape(512, 512, 512));
        for (GemmKernel backend : backends) bestGflops(backend, x, seconds, 5);
    }

    /** Times calls one by one for about {@code seconds} (and at least minCalls); returns the best. */
    private static double bestGflops(GemmKernel gemm, Operands x, double seconds, int minCalls) {
        Shape s = x.shape;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        double best = 0;
        for (int call = 0; call < minCalls || System.nanoTime() < end; call++) {
            long t0 = System.nanoTime();
            // Stored A is m×k (k×m when transposed), stored B k×n (n×k): the leading dimensions follow.
            gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, x.a, 0, s.transA() ? s.m() : s.k(),
                    x.b, 0, s.transB() ? s.k() : s.n(), 0f, x.c, 0, s.n());
            long elapsed = System.nanoTime() - t0;
            best = Math.max(best, s.flops() / Math.max(1, elapsed));
        }
        return best;
    }

    /** Random A (m×k) and B (k×n) with an output C (m×n). */
    private static final class Operands {
        final Shape shape;
        final float[] a, b, c;

        Operands(Shape shape) {
            this.shape = shape;
            Random rnd = new Random(1);
            a = random(rnd, shape.m() * shape.k());
            b = random(rnd, shape.k() * shape.n());
            c = new float[shape.m() * shape.n()];
        }

        private static float[] random(Random rnd, int size) {
            float[] x = new float[size];
            for (int i = 0; i < size; i++) x[i] = rnd.nextFloat() - 0.5f;
            return x;
        }
    }

    /**
     * {@code GemmBenchmark [--json] [--shapes 1024x1024x1024,...] [--threads 1,2] [--rounds 3]
     * [--round-seconds 0.6]}; prints a table, or the JSON report with --json.
     */
    public static void main(String[] args) {
        boolean json = false;
        List<Shape> shapes = DEFAULT_SHAPES;
        List<Integer> threads = DEFAULT_THREADS;
        int rounds = DEFAULT_ROUNDS;
        double roundSeconds = DEFAULT_ROUND_SECONDS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--shapes" -> shapes = parseShapes(args[++i]);
                case "--threads" -> threads = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--round-seconds" -> roundSeconds = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Report report = run(shapes, threads, true, rounds, roundSeconds);
        System.out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
    }

    /** "1024x1024x1024,2048x768x768:tn" (m×n×k, optional :op) → shapes. */
    public static List<Shape> parseShapes(String spec) {
        List<Shape> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] sides = part.trim().split(":");
            String[] d = sides[0].split("[x×]");
            if (d.length != 3 || sides.length > 2) throw new IllegalArgumentException("shape must be MxNxK[:op], got " + part);
            out.add(new Shape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]), sides.length == 2 ? sides[1] : "nn"));
        }
        return out;
    }
}
