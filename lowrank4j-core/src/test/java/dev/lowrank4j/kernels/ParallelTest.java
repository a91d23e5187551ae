package dev.lowrank4j.kernels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The worker team behind Parallel: every index once, nesting, failures, concurrent callers, resizing. */
class ParallelTest {
    private int threadsBefore;

    @BeforeEach
    void twoThreads() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(2); // whatever the machine has: the team must have a worker to hand chunks to
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(threadsBefore);
    }

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 7, 1000}) {
            for (int round = 0; round < 200; round++) { // many regions: workers spin, park and wake between them
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forEach(n, hits::incrementAndGet);
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " index " + i);
                AtomicIntegerArray chunks = new AtomicIntegerArray(n);
                Parallel.forEachTask(n, chunks::incrementAndGet);
                for (int i = 0; i < n; i++) assertEquals(1, chunks.get(i), "chunk " + i + " of " + n);
            }
        }
    }

    @Test
    void bothThreadsTakeChunksOfALongRegion() {
        java.util.Set<Thread> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 50 && seen.size() < 2; round++) {
            Parallel.forEachTask(8, c -> {
                seen.add(Thread.currentThread());
                long end = System.nanoTime() + 2_000_000;
                while (System.nanoTime() < end) Thread.onSpinWait();
            });
        }
        assertEquals(2, seen.size(), "the caller and the worker both ran chunks");
    }

    @Test
    void nestedCallsRunOnTheThreadThatMakesThem() {
        AtomicInteger sum = new AtomicInteger();
        Parallel.forEach(4, i -> {
            Thread outer = Thread.currentThread();
            Parallel.forEach(10, j -> {
                assertSame(outer, Thread.currentThread());
                sum.addAndGet(j);
            });
        });
        assertEquals(4 * 45, sum.get());
    }

    @Test
    void aFailingChunkIsRethrownAfterTheOthersFinish() {
        AtomicInteger finished = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEachTask(6, c -> {
            if (c == 0) throw new IllegalStateException("chunk 0 fails");
            long end = System.nanoTime() + 1_000_000;
            while (System.nanoTime() < end) Thread.onSpinWait();
            finished.incrementAndGet();
        }));
        assertEquals("chunk 0 fails", e.getMessage());
        assertEquals(5, finished.get(), "every other chunk completed before the failure surfaced");
        AtomicIntegerArray hits = new AtomicIntegerArray(9);
        Parallel.forEach(9, hits::incrementAndGet); // the team still works
        for (int i = 0; i < 9; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void concurrentCallersEachGetEveryIndex() throws Exception {
        List<Thread> callers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread caller = new Thread(() -> {
                for (int round = 0; round < 300; round++) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(37);
                    Parallel.forEach(37, hits::incrementAndGet);
                    for (int i = 0; i < 37; i++) if (hits.get(i) != 1) failures.add(new AssertionError("index " + i + " ran " + hits.get(i)));
                }
            });
            callers.add(caller);
            caller.start();
        }
        for (Thread caller : callers) caller.join(60_000);
        assertEquals(List.of(), failures);
    }

    @Test
    void resizingKeepsWorking() {
        for (int t : new int[] {1, 3, 2}) {
            Parallel.setThreads(t);
            AtomicIntegerArray hits = new AtomicIntegerArray(50);
            Parallel.forEach(50, hits::incrementAndGet);
            for (int i = 0; i < 50; i++) assertEquals(1, hits.get(i), t + " threads");
        }
    }
}
