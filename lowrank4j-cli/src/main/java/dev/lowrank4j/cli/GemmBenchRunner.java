package dev.lowrank4j.cli;

/** Prints GEMM benchmark results (wired to dev.lowrank4j.bench.GemmBenchmark). */
final class GemmBenchRunner {
    private GemmBenchRunner() {}

    static int run(boolean json) {
        throw new dev.lowrank4j.Lowrank4jException("bench gemm: not wired yet");
    }
}
