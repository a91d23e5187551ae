package dev.lowrank4j.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The one shared thread pool. Two pools fighting over two cores halve throughput, so every
 * parallel kernel goes through here. Thread count: system property {@code lowrank4j.threads},
 * else the number of available processors.
 */
public final class Parallel {
    private static volatile int threads = Math.max(1,
            Integer.getInteger("lowrank4j.threads", Runtime.getRuntime().availableProcessors()));
    private static volatile ForkJoinPool pool = newPool(threads);

    private Parallel() {}

    private static ForkJoinPool newPool(int n) {
        return new ForkJoinPool(n, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("lowrank4j-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    public static int threads() {
        return threads;
    }

    /** Changes the thread count (benchmarks compare 1 and 2 threads). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new dev.lowrank4j.Lowrank4jException("--threads must be >= 1, got " + n);
        if (n == threads) return;
        ForkJoinPool old = pool;
        pool = newPool(n);
        threads = n;
        old.shutdown();
    }

    /**
     * Runs body(i) for i in [0, n) split into at most {@link #threads()} contiguous chunks.
     * Runs inline when n is 1 or only one thread is configured.
     */
    public static void forEach(int n, IntConsumer body) {
        int t = Math.min(threads, n);
        if (t <= 1) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        if (ForkJoinTask.inForkJoinPool()) { // nested call from a worker: stay on this thread
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[t];
        for (int c = 0; c < t; c++) {
            final int lo = (int) ((long) n * c / t), hi = (int) ((long) n * (c + 1) / t);
            tasks[c] = pool.submit(() -> {
                for (int i = lo; i < hi; i++) body.accept(i);
            });
        }
        for (ForkJoinTask<?> task : tasks) task.join();
    }

    /** Runs body(chunk) for chunk in [0, chunks) with one task per chunk (for uneven work). */
    public static void forEachTask(int chunks, IntConsumer body) {
        if (threads <= 1 || chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            for (int i = 0; i < chunks; i++) body.accept(i);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
        for (int c = 0; c < chunks; c++) {
            final int idx = c;
            tasks[c] = pool.submit(() -> body.accept(idx));
        }
        for (ForkJoinTask<?> task : tasks) task.join();
    }
}
