package dev.lowrank4j.cli;

import dev.lowrank4j.bench.GemmBenchmark;

/** Runs the GEMM benchmark and prints it as a table or as one JSON object. */
final class GemmBenchRunner {
    private GemmBenchRunner() {}

    static int run(boolean json) {
        if (!json) System.out.println("measuring GEMM (about two minutes: 9 shapes x 1 and 2 threads x java/openblas)...");
        GemmBenchmark.Report report = GemmBenchmark.run(PhaseProgress.beside(json));
        System.out.println(json ? report.toJson() : report.toTable());
        return 0;
    }
}
