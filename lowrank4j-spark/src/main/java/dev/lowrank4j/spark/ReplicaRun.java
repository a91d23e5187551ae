package dev.lowrank4j.spark;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.Checkpoints;
import dev.lowrank4j.train.Replica;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.TrainSummary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One replica's whole run, independent of Spark (a barrier task calls it; tests can call it from
 * threads): build the replica from its job's settings (or from the leader's last checkpoint),
 * train with its gradients averaged over the ring, and report a fingerprint of its final weights
 * and optimizer state so the driver can check that the replicas stayed identical.
 */
public final class ReplicaRun {
    /** What a replica reports to the driver. */
    public record Outcome(int rank, String fingerprint, long steps) {}

    private ReplicaRun() {}

    public static Outcome run(ReplicaSpec spec, int rank, RingAllReduce ring) {
        ReplicaJob job = spec.job();
        Replica replica = new Replica(rank, spec.workers());
        Path trainerDir = replica.leader() ? job.out() : scratchFor(job, rank);
        try {
            ReplicaJob.Prepared p = job.prepare(replica, trainerDir);
            RingExchange exchange = new RingExchange(ring, p.optimizer());
            TrainListener listener = replica.leader() ? new StepPrinter(System.err) : TrainListener.NONE;
            if (spec.failRank() == rank) listener = failingAfter(spec.failAfterStep(), rank, listener);
            TrainSummary summary = p.trainer().exchange(exchange).listener(listener).run(job.resume());
            if (replica.leader()) p.finish(summary);
            return new Outcome(rank, fingerprint(p.weights(), p.optimizer().state()), summary.steps());
        } finally {
            if (!replica.leader()) deleteTree(trainerDir);
        }
    }

    /**
     * A follower trains in a scratch folder of its own; to resume it gets a copy of the leader's
     * last checkpoint, so every replica starts from the same weights and optimizer state.
     */
    private static Path scratchFor(ReplicaJob job, int rank) {
        try {
            Path dir = Files.createTempDirectory("lowrank4j-replica-" + rank + "-");
            if (job.resume()) {
                Optional<Path> latest = Checkpoints.latest(job.out());
                if (latest.isEmpty()) throw new Lowrank4jException(job.out() + ": nothing to resume (no checkpoints/step-* folder)");
                copyTree(latest.get(), dir.resolve(Checkpoints.DIR).resolve(latest.get().getFileName()));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TrainListener failingAfter(long step, int rank, TrainListener inner) {
        return new TrainListener() {
            @Override
            public void onStart(long s, long total, dev.lowrank4j.train.MemoryLedger ledger) {
                inner.onStart(s, total, ledger);
            }

            @Override
            public void onStep(StepStats s) {
                inner.onStep(s);
                if (s.step() == step) throw new IllegalStateException("injected failure of rank " + rank + " after step " + step);
            }

            @Override
            public void onEval(long s, dev.lowrank4j.train.Metrics m) {
                inner.onEval(s, m);
            }

            @Override
            public void onCheckpoint(long s, Path dir) {
                inner.onCheckpoint(s, dir);
            }
        };
    }

    /** SHA-256 over every weight and optimizer state tensor, by name: equal iff the replicas are bit-identical. */
    public static String fingerprint(Map<String, Tensor> weights, Map<String, Tensor> optimizerState) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map<String, Tensor> m : java.util.List.of(weights, optimizerState)) {
                for (Map.Entry<String, Tensor> e : new TreeMap<>(m).entrySet()) {
                    md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    float[] d = e.getValue().data;
                    ByteBuffer b = ByteBuffer.allocate(4 * d.length);
                    b.asFloatBuffer().put(d);
                    md.update(b.array());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : s.toList()) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) Files.createDirectories(dst);
                else Files.copy(src, dst);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // scratch space only
        }
    }
}
