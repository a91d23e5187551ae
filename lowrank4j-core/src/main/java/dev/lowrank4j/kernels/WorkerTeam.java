package dev.lowrank4j.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The calling thread plus {@code size − 1} daemon workers, running one parallel region at a time.
 * A region is a number of chunks that the caller and the workers claim one by one, so the caller
 * never waits for a worker to wake up: if none has started by the time the caller finishes its
 * chunk, the caller takes the next one itself.
 *
 * <p>Why not a ForkJoinPool: a parked pool worker took 20–85 µs to start on these 2-core VMs, and
 * a LeNet5 training step makes about forty parallel calls of 0.1–2 ms each, so the wake-ups cost
 * a sizeable part of the step. Here a worker that has just finished spins for
 * {@code lowrank4j.spinMicros} (default 200 µs) before it parks, as OpenMP runtimes do, and
 * during a training step the next region arrives well inside that window.
 */
final class WorkerTeam {
    private static final long SPIN_NANOS = Math.max(0, Long.getLong("lowrank4j.spinMicros", 200)) * 1000;

    /** One region: chunks claimed through {@code next}, finished ones counted in {@code done}. */
    private static final class Region {
        final int chunks;
        final IntConsumer body;
        final Thread caller = Thread.currentThread();
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;
        volatile boolean callerParked;

        Region(int chunks, IntConsumer body) {
            this.chunks = chunks;
            this.body = body;
        }

        /** Claims and runs chunks until none is left. */
        void work() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    body.accept(c);
                } catch (Throwable e) {
                    if (failure == null) failure = e;
                } finally {
                    if (done.incrementAndGet() == chunks && callerParked) LockSupport.unpark(caller);
                }
            }
        }

        /** Spins a while, then parks until the last chunk is done. */
        void awaitDone() {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (done.get() < chunks && System.nanoTime() < deadline) Thread.onSpinWait();
            if (done.get() == chunks) return;
            callerParked = true;
            while (done.get() < chunks) LockSupport.park(this);
        }
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        Worker(int index) {
            super("lowrank4j-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            Parallel.setInsideRegion(true);
            Region last = null;
            while (!closed) {
                Region r = current;
                if (r != null && r != last) {
                    last = r;
                    r.work();
                    continue;
                }
                long deadline = System.nanoTime() + SPIN_NANOS;
                while (current == r && !closed && System.nanoTime() < deadline) Thread.onSpinWait();
                if (current != r) continue;
                parked = true; // then re-read current: a caller that published a region either sees this flag or is seen
                if (current == r && !closed) LockSupport.park(this);
                parked = false;
            }
        }
    }

    private final Worker[] workers;
    private final ReentrantLock oneRegion = new ReentrantLock();
    private volatile Region current; // null between regions, so no finished region's lambda stays reachable
    private volatile boolean closed;

    WorkerTeam(int size) {
        workers = new Worker[Math.max(0, size - 1)];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /**
     * Runs body(chunk) for every chunk in [0, chunks) on the caller and the workers; false (and
     * nothing run) when another thread's region holds the team. The first failure of any chunk
     * is rethrown once every chunk has finished, so none is left writing into shared buffers.
     */
    boolean tryRun(int chunks, IntConsumer body) {
        if (!oneRegion.tryLock()) return false;
        try {
            Region r = new Region(chunks, body);
            current = r;
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
            Parallel.setInsideRegion(true); // the caller's nested calls stay on its thread, as a worker's do
            try {
                r.work();
            } finally {
                Parallel.setInsideRegion(false);
            }
            r.awaitDone();
            current = null;
            rethrow(r.failure);
            return true;
        } finally {
            oneRegion.unlock();
        }
    }

    /** Stops the workers once they finish what they are doing. */
    void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    private static void rethrow(Throwable failure) {
        if (failure == null) return;
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        throw new IllegalStateException(failure);
    }
}
