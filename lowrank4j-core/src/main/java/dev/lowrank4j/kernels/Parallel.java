package dev.lowrank4j.kernels;

import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The one shared set of threads ({@link WorkerTeam}). Two pools fighting over two cores halve
 * throughput, so every parallel kernel goes through here. Thread count: system property
 * {@code lowrank4j.threads}, else the number of available processors.
 */
public final class Parallel {
    private static volatile int threads = Math.max(1,
            Integer.getInteger("lowrank4j.threads", Runtime.getRuntime().availableProcessors()));
    private static volatile WorkerTeam team = new WorkerTeam(threads);

    /** True on the team's workers, and on a caller while it runs chunks of its region. */
    private static final ThreadLocal<Boolean> INSIDE_REGION = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Parallel() {}

    public static int threads() {
        return threads;
    }

    /** Changes the thread count (benchmarks compare 1 and 2 threads). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new dev.lowrank4j.Lowrank4jException("--threads must be >= 1, got " + n);
        if (n == threads) return;
        WorkerTeam old = team;
        team = new WorkerTeam(n);
        threads = n;
        old.close();
    }

    /**
     * Runs body(i) for i in [0, n) split into at most {@link #threads()} contiguous chunks. Runs
     * inline when n is 1, only one thread is configured, the call is nested inside another
     * parallel region, or another thread's region holds the workers.
     */
    public static void forEach(int n, IntConsumer body) {
        int t = Math.min(threads, n);
        if (t > 1 && !nested() && team.tryRun(t, c -> {
            int lo = (int) ((long) n * c / t), hi = (int) ((long) n * (c + 1) / t);
            for (int i = lo; i < hi; i++) body.accept(i);
        })) {
            return;
        }
        for (int i = 0; i < n; i++) body.accept(i);
    }

    /** Runs body(chunk) for chunk in [0, chunks), each chunk claimed by whichever thread is free (for uneven work). */
    public static void forEachTask(int chunks, IntConsumer body) {
        if (threads > 1 && chunks > 1 && !nested() && team.tryRun(chunks, body)) return;
        for (int i = 0; i < chunks; i++) body.accept(i);
    }

    /** Inside a parallel region (ours, or a ForkJoinPool task of someone else's): stay on this thread. */
    private static boolean nested() {
        return INSIDE_REGION.get() || ForkJoinTask.inForkJoinPool();
    }

    static void setInsideRegion(boolean inside) {
        INSIDE_REGION.set(inside);
    }
}
