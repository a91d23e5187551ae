package dev.lowrank4j.optim;

import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;
import java.util.Locale;

/**
 * Not a test: times a projector refresh of every projected matrix of the bench model (the 20m
 * shapes: dim 256, MLP 688, 4 layers, 7 projected matrices per layer) and a step without refresh.
 * Run: java --add-modules jdk.incubator.vector -cp <test+main classpath> dev.lowrank4j.optim.RefreshTiming [rank] [threads]
 */
public final class RefreshTiming {
    private static final int WARMUP = 5, MEASURED = 10;

    public static void main(String[] args) {
        int rank = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        if (args.length > 1) Parallel.setThreads(Integer.parseInt(args[1]));
        LlamaPaperConfig bench = LlamaPaperConfig.byName("20m");
        List<Parameter> projected = bench.weights().stream().filter(WeightShape::targeted)
                .map(w -> new Parameter(w.name(), Tensor.zeros(w.rows(), w.cols()))).toList();
        for (Parameter p : projected) OptimFixtures.setGradient(p, 0, 1.0);
        System.out.printf(Locale.ROOT, "%d projected matrices, rank %d, %d threads%n", projected.size(), rank, Parallel.threads());
        time("randomized refresh + step", projected, GaLoreOptions.of(rank).withUpdateGap(1));
        time("step without refresh     ", projected, GaLoreOptions.of(rank).withUpdateGap(GaLoreOptions.NEVER_REFRESH));
        time("exact (EJML) refresh+step", projected, GaLoreOptions.of(rank).withUpdateGap(1).withSvd(TopSvd.exact()));
        refreshCpu("randomized", projected, rank, TopSvd.randomized());
        refreshCpu("exact     ", projected, rank, TopSvd.exact());
    }

    /** CPU time of refreshing every projector on this thread: insensitive to other processes' load. */
    private static void refreshCpu(String label, List<Parameter> params, int rank, TopSvd svd) {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        List<GaLoreProjector> projectors = params.stream().map(p -> new GaLoreProjector(p.name(), p.value().dim(0),
                p.value().dim(1), rank, 1, 1.0, ProjectionType.STD, svd)).toList();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < WARMUP + MEASURED; i++) {
            long t0 = bean.getCurrentThreadCpuTime();
            for (int k = 0; k < projectors.size(); k++) projectors.get(k).refresh(params.get(k).grad().data, i);
            if (i >= WARMUP) best = Math.min(best, (bean.getCurrentThreadCpuTime() - t0) / 1e6);
        }
        System.out.printf(Locale.ROOT, "%s refresh of all, one thread, CPU time: best %.0f ms%n", label, best);
    }

    private static void time(String label, List<Parameter> params, GaLoreOptions options) {
        GaLoreAdamW opt = GaLoreAdamW.galore(params, List.of(), options);
        for (int i = 0; i < WARMUP; i++) opt.step(1e-6);
        double best = Double.MAX_VALUE, sum = 0;
        for (int i = 0; i < MEASURED; i++) {
            long t0 = System.nanoTime();
            opt.step(1e-6);
            double ms = (System.nanoTime() - t0) / 1e6;
            best = Math.min(best, ms);
            sum += ms;
        }
        System.out.printf(Locale.ROOT, "%s: best %.0f ms, mean %.0f ms%n", label, best, sum / MEASURED);
    }
}
