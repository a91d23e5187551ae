package dev.lowrank4j.spark;

import dev.lowrank4j.Lowrank4jException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The mean of a float array over N processes, by a bucketed ring all-reduce over plain TCP
 * sockets: each bucket is cut into N chunks, reduce-scatter (N−1 rounds of "send one chunk to the
 * next rank, add the one from the previous rank") leaves each rank with one fully summed chunk,
 * all-gather (N−1 rounds of copying) hands those on. Each rank sends 2·(N−1)/N of the data, whatever N.
 *
 * <p>Every element's sum is formed on exactly one rank, in a fixed order, and then copied: all
 * ranks end with the same bits. Spark only introduces the ranks to each other (one address
 * exchange); the gradients never pass through its driver.
 */
public final class RingAllReduce implements AutoCloseable {
    /** Floats per bucket (4 MiB): bounds the scratch buffers and lets large exchanges stream. */
    public static final int DEFAULT_BUCKET = 1 << 20;
    private static final int MAGIC = 0x4C52_4B34; // "LRK4": a stray connection is refused, not summed

    private final int rank, size, bucket;
    private final Socket toNext, fromPrevious;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final ExecutorService sender;
    private final byte[] sendBytes, receiveBytes;
    private final float[] received;
    private long bytesSent;

    private RingAllReduce(int rank, int size, int bucket, Socket toNext, Socket fromPrevious) throws IOException {
        this.rank = rank;
        this.size = size;
        this.bucket = bucket;
        this.toNext = toNext;
        this.fromPrevious = fromPrevious;
        this.out = toNext == null ? null : new DataOutputStream(new BufferedOutputStream(toNext.getOutputStream(), 1 << 16));
        this.in = fromPrevious == null ? null : new DataInputStream(new BufferedInputStream(fromPrevious.getInputStream(), 1 << 16));
        this.sender = size == 1 ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lowrank4j-ring-send-" + rank);
            t.setDaemon(true);
            return t;
        });
        int chunk = (bucket + size - 1) / size;
        this.sendBytes = new byte[4 * chunk];
        this.receiveBytes = new byte[4 * chunk];
        this.received = new float[chunk];
    }

    /** One process: the mean is the array itself; nothing is sent. */
    public static RingAllReduce single() {
        try {
            return new RingAllReduce(0, 1, DEFAULT_BUCKET, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Joins the ring: connects to rank+1's address and accepts rank−1 on {@code server} (already
     * listening, so the order in which ranks arrive does not matter).
     *
     * @param addresses every rank's listening address, by rank
     * @param timeout   how long a read or the set-up may wait for a peer before the run fails
     */
    public static RingAllReduce connect(int rank, List<InetSocketAddress> addresses, ServerSocket server, int bucket,
                                        Duration timeout) {
        int n = addresses.size();
        if (rank < 0 || rank >= n) throw new Lowrank4jException("rank " + rank + " outside the ring of " + n);
        if (bucket < n) throw new Lowrank4jException("the bucket (" + bucket + " floats) must hold one element per rank");
        if (n == 1) return single();
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Socket next = null, previous = null;
        try {
            next = connectWithRetry(addresses.get((rank + 1) % n), timeout);
            next.setTcpNoDelay(true);
            next.setSoTimeout(millis);
            DataOutputStream hello = new DataOutputStream(next.getOutputStream());
            hello.writeInt(MAGIC);
            hello.writeInt(rank);
            hello.flush();
            server.setSoTimeout(millis);
            previous = server.accept();
            previous.setTcpNoDelay(true);
            previous.setSoTimeout(millis);
            DataInputStream h = new DataInputStream(previous.getInputStream());
            int magic = h.readInt(), from = h.readInt();
            int expected = (rank - 1 + n) % n;
            if (magic != MAGIC || from != expected) {
                throw new Lowrank4jException("ring rank " + rank + ": expected rank " + expected + " to connect, got "
                        + (magic == MAGIC ? "rank " + from : "a foreign connection"));
            }
            return new RingAllReduce(rank, n, bucket, next, previous);
        } catch (IOException e) {
            closeQuietly(next);
            closeQuietly(previous);
            throw new Lowrank4jException("ring rank " + rank + ": cannot connect to its neighbours (" + e.getMessage()
                    + "); are the ring ports reachable between executors?");
        }
    }

    private static Socket connectWithRetry(InetSocketAddress address, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
                return s;
            } catch (IOException e) {
                s.close();
                if (System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while connecting to " + address);
                }
            }
        }
    }

    public int rank() {
        return rank;
    }

    public int size() {
        return size;
    }

    /** Payload bytes this rank has sent so far (4 per float; the two-int greeting is not counted). */
    public long bytesSent() {
        return bytesSent;
    }

    /** Replaces {@code data} by its element-wise mean over the ranks: the same bits on every rank. */
    public void meanInPlace(float[] data) {
        if (size == 1) return;
        try {
            for (int from = 0; from < data.length; from += bucket) reduceBucket(data, from, Math.min(bucket, data.length - from));
        } catch (IOException e) {
            throw new Lowrank4jException("ring rank " + rank + ": a peer failed during the all-reduce (" + e.getMessage() + ")");
        }
        float inv = 1f / size;
        for (int i = 0; i < data.length; i++) data[i] *= inv;
    }

    private void reduceBucket(float[] data, int offset, int length) throws IOException {
        for (int s = 0; s < size - 1; s++) { // reduce-scatter
            int send = Math.floorMod(rank - s, size), recv = Math.floorMod(rank - s - 1, size);
            exchange(data, offset, length, send, recv, true);
        }
        for (int s = 0; s < size - 1; s++) { // all-gather
            int send = Math.floorMod(rank + 1 - s, size), recv = Math.floorMod(rank - s, size);
            exchange(data, offset, length, send, recv, false);
        }
    }

    /** Sends chunk {@code send} while receiving chunk {@code recv}: add it ({@code reduce}) or copy it. */
    private void exchange(float[] data, int offset, int length, int send, int recv, boolean reduce) throws IOException {
        int sFrom = offset + chunkStart(length, send), sLen = chunkStart(length, send + 1) - chunkStart(length, send);
        int rFrom = offset + chunkStart(length, recv), rLen = chunkStart(length, recv + 1) - chunkStart(length, recv);
        ByteBuffer.wrap(sendBytes, 0, 4 * sLen).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data, sFrom, sLen);
        Future<?> sent = sender.submit(() -> {
            out.write(sendBytes, 0, 4 * sLen);
            out.flush();
            return null;
        });
        in.readFully(receiveBytes, 0, 4 * rLen);
        waitFor(sent);
        bytesSent += 4L * sLen;
        ByteBuffer.wrap(receiveBytes, 0, 4 * rLen).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(received, 0, rLen);
        if (reduce) {
            for (int i = 0; i < rLen; i++) data[rFrom + i] += received[i];
        } else {
            System.arraycopy(received, 0, data, rFrom, rLen);
        }
    }

    private static void waitFor(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Chunk k of a bucket of {@code length} floats starts at ⌊k·length/N⌋. */
    private int chunkStart(int length, int k) {
        return (int) ((long) k * length / size);
    }

    /**
     * Bytes rank {@code rank} sends to average {@code elements} floats in buckets of {@code bucket}:
     * reduce-scatter sends every chunk but chunk rank+1, all-gather every chunk but rank+2, so
     * 4·Σ(2L − c₍ᵣ₊₁₎ − c₍ᵣ₊₂₎) over the buckets, ≈ 2·(N−1)/N·4·elements.
     */
    public static long bytesSentBy(int rank, int size, long elements, int bucket) {
        if (size == 1) return 0;
        long total = 0;
        for (long from = 0; from < elements; from += bucket) {
            int len = (int) Math.min(bucket, elements - from);
            total += 2L * len - chunk(len, (rank + 1) % size, size) - chunk(len, (rank + 2) % size, size);
        }
        return 4 * total;
    }

    private static long chunk(int length, int k, int size) {
        return (long) (k + 1) * length / size - (long) k * length / size;
    }

    @Override
    public void close() {
        if (sender != null) sender.shutdownNow();
        closeQuietly(toNext);
        closeQuietly(fromPrevious);
    }

    private static void closeQuietly(Socket s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is best effort: the peer sees end-of-stream either way
        }
    }
}
