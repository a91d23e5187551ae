package dev.lowrank4j.bench;

import dev.lowrank4j.bench.GemmBenchmark.Shape;
import dev.lowrank4j.kernels.GemmKernel;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.kernels.QuantizedGemm;
import dev.lowrank4j.kernels.VectorGemm;
import dev.lowrank4j.quant.nf4.Nf4Options;
import dev.lowrank4j.quant.nf4.Nf4Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Measures a linear layer's two products with an fp32 weight (the Java sgemm) and with the same
 * weight in NF4 ({@link QuantizedGemm}), side by side in one run: forward y = x·Wᵀ and input
 * gradient dx = dy·W, for x [m, k] and W [n, k]. GFLOP/s = 2·m·n·k / time for both.
 *
 * <p>Method as {@link GemmBenchmark}: warm-up, then per shape, thread count and product the two
 * weight formats take turns for {@code rounds} rounds; the result is the best single call. The
 * fp32 weight holds the NF4 weight's dequantized values, so both multiply the same numbers.
 */
public final class QuantizedGemmBenchmark {
    /** Best observed throughput of one weight format on one product, shape and thread count. */
    public record Result(String weights, String product, int threads, int m, int n, int k, double gflops) {}

    /** All results of a run, in measurement order. */
    public record Report(List<Result> results) {
        /**
         * {@code {"results":[{"backend":"java","weights":"nf4","product":"forward","threads":1,"m":1,
         * "n":4096,"k":4096,"gflops":12.3}, ...]}}: GemmBenchmark's fields plus weights and product.
         */
        public String toJson() {
            return results.stream()
                    .map(r -> String.format(Locale.ROOT,
                            "{\"backend\":\"java\",\"weights\":\"%s\",\"product\":\"%s\",\"threads\":%d,"
                                    + "\"m\":%d,\"n\":%d,\"k\":%d,\"gflops\":%.1f}",
                            r.weights(), r.product(), r.threads(), r.m(), r.n(), r.k(), r.gflops()))
                    .collect(Collectors.joining(",", "{\"results\":[", "]}"));
        }

        /** One line per shape, thread count and product: fp32, nf4 and nf4/fp32. */
        public String toTable() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s %7s %-10s %10s %10s %7s%n",
                    "m×n×k", "threads", "product", "fp32", "nf4", "ratio"));
            for (Result f : results) {
                if (!f.weights().equals(FP32)) continue;
                Result q = results.stream()
                        .filter(r -> r.weights().equals(NF4) && r.product().equals(f.product())
                                && r.threads() == f.threads() && r.m() == f.m() && r.n() == f.n() && r.k() == f.k())
                        .findFirst().orElseThrow();
                sb.append(String.format(Locale.ROOT, "%-16s %7d %-10s %10.1f %10.1f %7.2f%n",
                        f.m() + "×" + f.n() + "×" + f.k(), f.threads(), f.product(), f.gflops(), q.gflops(),
                        q.gflops() / f.gflops()));
            }
            return sb.toString();
        }
    }

    public static final String FP32 = "fp32";
    public static final String NF4 = "nf4";
    public static final String FORWARD = "forward";
    public static final String INPUT_GRAD = "input_grad";

    /** Training shapes (many rows: GemmBenchmark's defaults) and decode shapes (1–8 rows, a 7B-sized weight). */
    public static final List<Shape> DEFAULT_SHAPES = List.of(
            new Shape(1024, 1024, 1024), new Shape(2048, 768, 768), new Shape(4096, 512, 2048),
            new Shape(1, 4096, 4096), new Shape(4, 4096, 4096), new Shape(8, 4096, 4096));

    private QuantizedGemmBenchmark() {}

    public static Report run() {
        return run(DEFAULT_SHAPES, GemmBenchmark.DEFAULT_THREADS, GemmBenchmark.DEFAULT_ROUNDS,
                GemmBenchmark.DEFAULT_ROUND_SECONDS);
    }

    /**
     * @param shapes       x is m×k, the weight n×k
     * @param rounds       turns each weight format takes per shape, thread count and product
     * @param roundSeconds length of one turn; at least 3 calls are timed per turn regardless
     */
    public static Report run(List<Shape> shapes, List<Integer> threads, int rounds, double roundSeconds) {
        int originalThreads = Parallel.threads();
        List<Result> results = new ArrayList<>();
        try {
            Operands warm = new Operands(new Shape(256, 512, 512));
            for (String product : List.of(FORWARD, INPUT_GRAD)) {
                for (String weights : List.of(FP32, NF4)) best(warm, weights, product, 1.5 * roundSeconds, 5);
            }
            for (Shape shape : shapes) {
                Operands x = new Operands(shape);
                for (int t : threads) {
                    Parallel.setThreads(t);
                    for (String product : List.of(FORWARD, INPUT_GRAD)) {
                        double fp32 = 0, nf4 = 0;
                        for (int round = 0; round < rounds; round++) {
                            fp32 = Math.max(fp32, best(x, FP32, product, roundSeconds, 3));
                            nf4 = Math.max(nf4, best(x, NF4, product, roundSeconds, 3));
                        }
                        results.add(new Result(FP32, product, t, shape.m(), shape.n(), shape.k(), fp32));
                        results.add(new Result(NF4, product, t, shape.m(), shape.n(), shape.k(), nf4));
                    }
                }
            }
        } finally {
            Parallel.setThreads(originalThreads);
        }
        return new Report(results);
    }

    /** Times calls one by one for about {@code seconds} (and at least minCalls); returns the best GFLOP/s. */
    private static double best(Operands x, String weights, String product, double seconds, int minCalls) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        double flops = 2.0 * x.shape.m() * x.shape.n() * x.shape.k(), best = 0;
        for (int call = 0; call < minCalls || System.nanoTime() < end; call++) {
            long t0 = System.nanoTime();
            x.multiply(weights, product);
            best = Math.max(best, flops / Math.max(1, System.nanoTime() - t0));
        }
        return best;
    }

    /** Random activations, an NF4 weight and its dequantized fp32 twin. */
    private static final class Operands {
        final Shape shape;
        final float[] x, dy, y, dx, dense;
        final Nf4Tensor packed;
        final GemmKernel gemm = new VectorGemm();

        Operands(Shape shape) {
            this.shape = shape;
            Random rnd = new Random(1);
            x = random(rnd, shape.m() * shape.k());
            dy = random(rnd, shape.m() * shape.n());
            y = new float[shape.m() * shape.n()];
            dx = new float[shape.m() * shape.k()];
            packed = Nf4Tensor.quantize(random(rnd, shape.n() * shape.k()), new int[] {shape.n(), shape.k()},
                    Nf4Options.DEFAULT);
            dense = packed.dequantize();
        }

        void multiply(String weights, String product) {
            int m = shape.m(), n = shape.n(), k = shape.k();
            boolean forward = product.equals(FORWARD);
            if (weights.equals(NF4)) {
                if (forward) QuantizedGemm.forward(m, x, 0, packed, 0f, y, 0);
                else QuantizedGemm.inputGradient(m, dy, 0, packed, 0f, dx, 0);
            } else if (forward) {
                gemm.sgemm(false, true, m, n, k, 1f, x, 0, k, dense, 0, k, 0f, y, 0, n);
            } else {
                gemm.sgemm(false, false, m, k, n, 1f, dy, 0, n, dense, 0, k, 0f, dx, 0, k);
            }
        }

        private static float[] random(Random rnd, int size) {
            float[] v = new float[size];
            for (int i = 0; i < size; i++) v[i] = rnd.nextFloat() - 0.5f;
            return v;
        }
    }

    /** {@code QuantizedGemmBenchmark [--json] [--shapes 1x4096x4096,...] [--threads 1,2] [--rounds 3] [--round-seconds 0.6]}. */
    public static void main(String[] args) {
        boolean json = false;
        List<Shape> shapes = DEFAULT_SHAPES;
        List<Integer> threads = GemmBenchmark.DEFAULT_THREADS;
        int rounds = GemmBenchmark.DEFAULT_ROUNDS;
        double roundSeconds = GemmBenchmark.DEFAULT_ROUND_SECONDS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--shapes" -> shapes = GemmBenchmark.parseShapes(args[++i]);
                case "--threads" -> threads = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--round-seconds" -> roundSeconds = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Report report = run(shapes, threads, rounds, roundSeconds);
        System.out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
    }
}
