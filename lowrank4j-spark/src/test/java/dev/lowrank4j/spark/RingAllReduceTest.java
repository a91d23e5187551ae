package dev.lowrank4j.spark;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The ring on loopback threads, without Spark. */
class RingAllReduceTest {
    /** Runs {@code body(rank, ring)} on {@code n} threads joined in one ring. */
    private static void onRing(int n, int bucket, BiConsumer<Integer, RingAllReduce> body) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ServerSocket s = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            servers.add(s);
            addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()));
        }
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            runs.add(CompletableFuture.runAsync(() -> {
                try (ServerSocket server = servers.get(rank);
                     RingAllReduce ring = RingAllReduce.connect(rank, addresses, server, bucket, Duration.ofSeconds(20))) {
                    body.accept(rank, ring);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        for (var f : runs) f.get();
    }

    private static float[] data(int rank, int length) {
        Rng rng = new Rng(1000 + rank);
        float[] d = new float[length];
        for (int i = 0; i < length; i++) d[i] = (float) rng.nextGaussian();
        return d;
    }

    @Test
    void everyRankGetsTheSameMeanAndSendsWhatTheFormulaSays() throws Exception {
        for (int n : new int[] {1, 2, 3, 4}) {
            for (int bucket : new int[] {7, RingAllReduce.DEFAULT_BUCKET}) {
                int length = 101;
                float[][] result = new float[n][];
                long[] sent = new long[n];
                onRing(n, bucket, (rank, ring) -> {
                    float[] d = data(rank, length);
                    ring.meanInPlace(d);
                    ring.meanInPlace(new float[0]);
                    result[rank] = d;
                    sent[rank] = ring.bytesSent();
                });
                for (int i = 0; i < length; i++) {
                    double mean = 0;
                    for (int r = 0; r < n; r++) mean += data(r, length)[i];
                    assertEquals(mean / n, result[0][i], 1e-5, "n=" + n + " element " + i);
                }
                for (int r = 0; r < n; r++) {
                    assertArrayEquals(result[0], result[r], 0f, "n=" + n + ": rank " + r + " must hold the same bits");
                    assertEquals(RingAllReduce.bytesSentBy(r, n, length, bucket), sent[r], "n=" + n + " bucket=" + bucket);
                }
                if (n == 2) assertEquals(4L * length, sent[0], "two ranks: each sends the whole array once");
            }
        }
    }

    @Test
    void theFormulaIsTwoTimesNMinusOneOverNOfThePayloadWhenNDividesIt() {
        assertEquals(2 * 3 * 4 * 1200 / 4, RingAllReduce.bytesSentBy(1, 4, 1200, 1 << 20));
        assertEquals(2 * 7 * 4 * 720 / 8, RingAllReduce.bytesSentBy(5, 8, 720, 80));
        assertEquals(0, RingAllReduce.bytesSentBy(0, 1, 700, 70));
    }

    @Test
    void aPeerThatDiesFailsTheOthersInsteadOfHangingThem() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> onRing(3, 64, (rank, ring) -> {
            if (rank == 1) return; // leaves without sending: its sockets close
            ring.meanInPlace(data(rank, 1000));
        }));
        assertInstanceOf(Lowrank4jException.class, e.getCause());
    }
}
