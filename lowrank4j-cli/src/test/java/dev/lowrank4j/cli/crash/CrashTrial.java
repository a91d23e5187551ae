package dev.lowrank4j.cli.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One crash trial: start a command as its own JVM, kill -9 it (Process.destroyForcibly is SIGKILL
 * on Linux) as each {@link KillPlan} says, the later kills landing in the recovery runs, then
 * recover it without a kill and compare its outputs with the uninterrupted reference run.
 */
public final class CrashTrial {
    /** How long each pause point of a folder write sleeps when a plan kills during a write. */
    public static final long WRITE_PAUSE_MS = 150;
    private static final long RUN_TIMEOUT_S = 600;
    private static final Map<Path, Object> REFERENCE_LOCKS = new ConcurrentHashMap<>();

    /**
     * When to kill: {@code folderWrite > 0} kills {@code delayMs} after the {@code folderWrite}-th
     * folder write of that run announces its first pause (the write pauses are on, so a delay below
     * 2 pauses lands inside the write); {@code folderWrite == 0} kills {@code delayMs} after the start.
     */
    public record KillPlan(int folderWrite, long delayMs) {
        public static KillPlan duringWrite(int folderWrite, long delayMs) {
            return new KillPlan(folderWrite, delayMs);
        }

        public static KillPlan after(long delayMs) {
            return new KillPlan(0, delayMs);
        }

        @Override
        public String toString() {
            return folderWrite > 0 ? "in write " + folderWrite + " +" + delayMs + "ms" : "at " + delayMs + "ms";
        }
    }

    /** What one kill did: whether it hit a live process, and the run folder's state right after. */
    public record Kill(KillPlan plan, boolean hit, String state) {
        @Override
        public String toString() {
            return plan + (hit ? " -> " + state : " -> exited before the kill");
        }
    }

    public record Outcome(CrashCommand command, List<Kill> kills, String failure, int filesCompared) {
        public boolean ok() {
            return failure == null;
        }

        public String line() {
            String k = kills.stream().map(Kill::toString).collect(Collectors.joining("; "));
            return command.id() + ": " + (ok() ? "OK, " + filesCompared + " files identical" : "FAIL: " + failure) + " | kills: " + k;
        }
    }

    private CrashTrial() {}

    /**
     * The uninterrupted run of {@code c}, made once per fixture (and after that reused); returns
     * how long it took in ms, the scale of the random kill times.
     */
    public static long ensureReference(CrashCommand c, CrashFixture fx) {
        Path out = fx.reference(c), done = out.resolveSibling(out.getFileName() + ".ms");
        // one lock per reference: a trial may run while the reference of another command is made
        synchronized (REFERENCE_LOCKS.computeIfAbsent(out.toAbsolutePath(), k -> new Object())) {
            return ensureReference(c, fx, out, done);
        }
    }

    private static long ensureReference(CrashCommand c, CrashFixture fx, Path out, Path done) {
        try {
            if (Files.exists(done)) return Long.parseLong(Files.readString(done).strip());
            if (c.needsBase()) ensureReference(CrashCommand.PRETRAIN, fx);
            deleteTree(out);
            long t0 = System.nanoTime();
            Path log = out.resolveSibling(out.getFileName() + ".log");
            int code = waitFor(CliProcess.start(c.args(fx, out), 0, log));
            if (code != 0) throw new IllegalStateException(c.id() + " reference run failed (" + code + "): " + CliProcess.lastErrorLine(log));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Files.writeString(done, Long.toString(ms));
            return ms;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The trial may run beside the making of its own reference, which it needs only to compare. */
    public static Outcome run(CrashCommand c, CrashFixture fx, Path out, List<KillPlan> plans) {
        if (c.needsBase()) ensureReference(CrashCommand.PRETRAIN, fx);
        List<Kill> kills = new ArrayList<>();
        boolean finished = false;
        for (int i = 0; i < plans.size() && !finished; i++) {
            KillPlan plan = plans.get(i);
            Path log = log(out, i);
            Process p = CliProcess.start(i == 0 ? c.args(fx, out) : c.recoveryArgs(fx, out), plan.folderWrite() > 0 ? WRITE_PAUSE_MS : 0, log);
            boolean hit = killAsPlanned(p, log, plan);
            int code = waitFor(p);
            kills.add(new Kill(plan, hit, hit ? state(c, out) : ""));
            if (!hit && code != 0) return new Outcome(c, kills, "run " + (i + 1) + " exited with " + code + ": " + CliProcess.lastErrorLine(log), 0);
            finished = !hit;
            // a killed quantize may only leave nothing or the complete folder
            if (c == CrashCommand.QUANTIZE && Files.exists(out)) {
                ensureReference(c, fx);
                List<String> d = OutputComparison.differences(fx.reference(c), out, c.compared());
                if (!d.isEmpty()) return new Outcome(c, kills, "the killed quantize left an incomplete " + out.getFileName() + ": " + d, 0);
                finished = true;
            }
        }
        if (!finished) {
            Path log = log(out, plans.size());
            int code = waitFor(CliProcess.start(c.recoveryArgs(fx, out), 0, log));
            if (code != 0) return new Outcome(c, kills, "recovery exited with " + code + ": " + CliProcess.lastErrorLine(log), 0);
        }
        ensureReference(c, fx);
        List<String> diffs = OutputComparison.differences(fx.reference(c), out, c.compared());
        if (!diffs.isEmpty()) return new Outcome(c, kills, "not identical to the uninterrupted run: " + diffs, 0);
        // the hidden folders of killed writes must be gone once a run succeeds (a quantized model can be gigabytes)
        List<String> left = c.temporaryFolders(out);
        if (!left.isEmpty()) return new Outcome(c, kills, "temporary folders left after a successful run: " + left, 0);
        return new Outcome(c, kills, null, countFiles(fx.reference(c), c.compared()));
    }

    /** Kills {@code p} as planned; false when it exited first. */
    private static boolean killAsPlanned(Process p, Path log, KillPlan plan) {
        try {
            if (plan.folderWrite() == 0) {
                if (p.waitFor(plan.delayMs(), TimeUnit.MILLISECONDS)) return false;
            } else {
                // each folder write announces two pauses (after its first file, before its rename)
                while (CliProcess.announcedPauses(log) < 2L * plan.folderWrite() - 1) {
                    if (p.waitFor(2, TimeUnit.MILLISECONDS)) return false;
                }
                if (p.waitFor(plan.delayMs(), TimeUnit.MILLISECONDS)) return false;
            }
            if (!p.isAlive()) return false;
            p.destroyForcibly();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The run folder right after a kill: temporary folders, complete checkpoints, finished outputs. */
    private static String state(CrashCommand c, Path out) {
        List<String> parts = new ArrayList<>();
        List<String> temps = c.temporaryFolders(out);
        if (!temps.isEmpty()) parts.add("temp " + String.join(",", temps));
        if (c == CrashCommand.QUANTIZE) {
            parts.add(Files.exists(out) ? "output folder present" : "no output folder");
        } else {
            List<String> ck = CrashCommand.completeCheckpoints(out);
            parts.add(ck.isEmpty() ? "no checkpoint" : "checkpoints " + String.join(",", ck).replace("step-", "").replaceAll("\\b0+(\\d)", "$1"));
            if (Files.exists(out.resolve("model"))) parts.add("model/");
            if (Files.exists(out.resolve("summary.json"))) parts.add("summary.json");
            boolean atEnd = !ck.isEmpty() && ck.getLast().equals(String.format("step-%07d", c.finalStep()));
            // everything after the final checkpoint is the job's outputs (the trainer's summary comes first)
            if (atEnd) parts.add("killed after the FINAL checkpoint");
        }
        return String.join(", ", parts);
    }

    private static Path log(Path out, int attempt) {
        return out.resolveSibling(out.getFileName() + "-run" + (attempt + 1) + ".log");
    }

    private static int waitFor(Process p) {
        try {
            if (!p.waitFor(RUN_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("a run took more than " + RUN_TIMEOUT_S + " s; killed it");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int countFiles(Path root, List<String> paths) {
        int n = 0;
        for (String p : paths) {
            try (Stream<Path> s = Files.walk(root.resolve(p))) {
                n += (int) s.filter(Files::isRegularFile).count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return n;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
