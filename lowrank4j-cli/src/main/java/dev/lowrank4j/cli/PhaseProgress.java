package dev.lowrank4j.cli;

import dev.lowrank4j.util.PhaseListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Renders the core's {@link PhaseListener} calls. Every phase prints its label the moment it begins
 * (so a long setup never leaves the screen silent) and a closing line with its duration. In between,
 * on a terminal one bar with done/total and ETA is redrawn in place; in a log, a line
 * {@code label: done/total unit, elapsed, eta} every {@code logEvery} units and at the last, plus a
 * heartbeat line ending {@code still running} whenever {@code logSeconds} pass without a line,
 * driven by a timer thread, so even one unit (a batch, an SVD) that takes a minute shows the phase
 * is alive.
 */
final class PhaseProgress implements PhaseListener {
    /** Log lines per phase without a time trigger, when the caller has no better N. */
    static final int DEFAULT_LINES = 10;
    static final double DEFAULT_LOG_SECONDS = 10;
    /** A terminal is redrawn at most this often (redrawing per unit would cost more than tiny units). */
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean tty;
    private final long logEvery;
    private final double logSeconds;
    private final LongSupplier nanoClock;
    private String label;
    private long total;
    private String unit;
    private long started, lastLine, done;
    private boolean barDrawn, active;
    private final boolean timer;
    private ScheduledFuture<?> heartbeat;

    /** One daemon thread for every instance, made on first use (unit tests call {@link #tick} themselves). */
    private static final class Timer {
        static final ScheduledExecutorService THREAD = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lowrank4j-progress-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Without the timer: {@link #tick} runs only when called (tests drive it with their clock). */
    PhaseProgress(PrintStream out, boolean tty, long logEvery, double logSeconds, LongSupplier nanoClock) {
        this(out, tty, logEvery, logSeconds, nanoClock, false);
    }

    private PhaseProgress(PrintStream out, boolean tty, long logEvery, double logSeconds, LongSupplier nanoClock, boolean timer) {
        if (logEvery < 0) throw new IllegalArgumentException("logEvery must be >= 0 (0 = about " + DEFAULT_LINES + " lines per phase)");
        this.out = out;
        this.tty = tty;
        this.logEvery = logEvery;
        this.logSeconds = logSeconds;
        this.nanoClock = nanoClock;
        this.timer = timer;
    }

    /**
     * For commands whose stdout is their log (quantize, dlrt): a bar when it is a terminal, a line every
     * {@code logEvery} units (0 = about ten per phase) plus the heartbeat otherwise.
     */
    static PhaseProgress onStdout(long logEvery) {
        return new PhaseProgress(System.out, ProgressFormat.interactive(), logEvery, DEFAULT_LOG_SECONDS, System::nanoTime, true);
    }

    /**
     * Progress goes where the command's log goes: stdout, unless stdout carries data for another
     * program (--json, generate's text); then stderr, so the data stays clean. Keeping it off stderr
     * otherwise keeps a user mistake's stderr to its one {@code error:} line.
     */
    static PhaseProgress beside(boolean stdoutIsData) {
        return new PhaseProgress(stdoutIsData ? System.err : System.out, ProgressFormat.interactive(), 0, DEFAULT_LOG_SECONDS,
                System::nanoTime, true);
    }

    @Override
    public synchronized void begin(String label, long total, String unit) {
        stop();
        endBar();
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.done = 0;
        started = lastLine = nanoClock.getAsLong();
        active = true;
        out.println(total > 0 ? String.format(Locale.ROOT, "%s: %,d %s ...", label, total, unit) : label + " ...");
        out.flush();
        if (timer) heartbeat = Timer.THREAD.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * The heartbeat: with no line for {@code logSeconds} (a log) or a second (a terminal), says the
     * phase is still running, with its count when it has one.
     */
    synchronized void tick() {
        if (!active) return;
        long now = nanoClock.getAsLong();
        double elapsed = (now - started) / 1e9, quiet = (now - lastLine) / 1e9;
        if (tty && quiet >= 1) {
            if (total > 0) drawBar(now);
            else {
                out.printf(Locale.ROOT, "\r%s: elapsed %s ", label, ProgressFormat.duration(elapsed));
                out.flush();
                barDrawn = true;
                lastLine = now;
            }
        } else if (!tty && quiet >= logSeconds) {
            if (total > 0) logLine(now, ", still running");
            else {
                out.printf(Locale.ROOT, "%s: still running, elapsed %s%n", label, ProgressFormat.duration(elapsed));
                out.flush();
                lastLine = now;
            }
        }
    }

    @Override
    public synchronized void advance(long done) {
        this.done = done;
        long now = nanoClock.getAsLong();
        if (tty) {
            if (now - lastLine >= REDRAW_NANOS || done >= total) drawBar(now);
        } else if (dueByCount(done)) {
            logLine(now, "");
        }
    }

    private void drawBar(long now) {
        out.printf(Locale.ROOT, "\r%s %s %,d/%,d %s eta %s ", label, ProgressFormat.bar(done, total), done, total, unit,
                ProgressFormat.eta((now - started) / 1e9, done, total));
        out.flush();
        barDrawn = true;
        lastLine = now;
    }

    private void logLine(long now, String suffix) {
        double elapsed = (now - started) / 1e9;
        out.printf(Locale.ROOT, "%s: %,d/%,d %s, elapsed %s, eta %s%s%n", label, done, total, unit,
                ProgressFormat.duration(elapsed), ProgressFormat.eta(elapsed, done, total), suffix);
        out.flush();
        lastLine = now;
    }

    private boolean dueByCount(long done) {
        if (done == total) return true;
        long every = logEvery > 0 ? logEvery : Math.max(1, total / DEFAULT_LINES);
        return total > 0 && done % every == 0;
    }

    @Override
    public synchronized void end() {
        finish("done");
    }

    /** Ends the phase with {@code result} in its closing line instead of "done". */
    synchronized void finish(String result) {
        stop();
        endBar();
        out.printf(Locale.ROOT, "%s: %s (%s)%n", label, result, ProgressFormat.duration((nanoClock.getAsLong() - started) / 1e9));
        out.flush();
    }

    /** A phase stopped by an error: no closing line (the error message is the last word), no more heartbeats. */
    @Override
    public synchronized void abandon() {
        stop();
        endBar();
    }

    private void stop() {
        active = false;
        if (heartbeat != null) heartbeat.cancel(false);
        heartbeat = null;
    }

    private void endBar() {
        if (barDrawn) {
            out.println();
            barDrawn = false;
        }
    }
}
