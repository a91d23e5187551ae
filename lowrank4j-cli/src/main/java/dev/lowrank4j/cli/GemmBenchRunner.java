package dev.lowrank4j.cli;

import dev.lowrank4j.bench.GemmBenchmark;
import dev.lowrank4j.bench.QuantizedGemmBenchmark;

import java.util.List;

/** Runs the GEMM benchmark (fp32, or fp32 beside NF4 weights) and prints it as a table or as one JSON object. */
final class GemmBenchRunner {
    private GemmBenchRunner() {}

    static int run(boolean json) {
        if (!json) System.out.println("measuring GEMM (about two minutes: 9 shapes x 1 and 2 threads x java/openblas)...");
        GemmBenchmark.Report report = GemmBenchmark.run(PhaseProgress.beside(json));
        System.out.println(json ? report.toJson() : report.toTable());
        return 0;
    }

    /** fp32 and NF4 weights take turns on the same shapes: forward x·Wᵀ and input gradient dy·W. */
    static int runNf4(boolean json, List<GemmBenchmark.Shape> shapes, int rounds, double roundSeconds) {
        if (!json) {
            System.out.println("measuring fp32 beside NF4 weights (" + shapes.size() + " shapes x 1 and 2 threads x forward/input"
                    + " gradient; about " + Math.round(shapes.size() * 2 * 2 * 2 * rounds * roundSeconds) + " s)...");
        }
        QuantizedGemmBenchmark.Report report = QuantizedGemmBenchmark.run(shapes, GemmBenchmark.DEFAULT_THREADS,
                rounds, roundSeconds);
        System.out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
        return 0;
    }
}
