package dev.lowrank4j.cli;

import dev.lowrank4j.util.PhaseListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Renders the core's {@link PhaseListener} calls. Every phase prints its label the moment it begins
 * (so a long setup never leaves the screen silent) and a closing line with its duration. In between,
 * on a terminal one bar with done/total and ETA is redrawn in place; in a log, a line
 * {@code label: done/total unit, elapsed, eta} every {@code logEvery} units, at the last unit, and
 * whenever {@code logSeconds} have passed since the previous line (a heartbeat for slow units).
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
    private boolean barDrawn;

    PhaseProgress(PrintStream out, boolean tty, long logEvery, double logSeconds, LongSupplier nanoClock) {
        if (logEvery < 0) throw new IllegalArgumentException("logEvery must be >= 0 (0 = about " + DEFAULT_LINES + " lines per phase)");
        this.out = out;
        this.tty = tty;
        this.logEvery = logEvery;
        this.logSeconds = logSeconds;
        this.nanoClock = nanoClock;
    }

    /**
     * For commands whose stdout is their log (quantize, dlrt): a bar when it is a terminal, a line every
     * {@code logEvery} units (0 = about ten per phase) plus the heartbeat otherwise.
     */
    static PhaseProgress onStdout(long logEvery) {
        return new PhaseProgress(System.out, ProgressFormat.interactive(), logEvery, DEFAULT_LOG_SECONDS, System::nanoTime);
    }

    /**
     * Progress goes where the command's log goes: stdout, unless stdout carries data for another
     * program (--json, generate's text); then stderr, so the data stays clean. Keeping it off stderr
     * otherwise keeps a user mistake's stderr to its one {@code error:} line.
     */
    static PhaseProgress beside(boolean stdoutIsData) {
        return new PhaseProgress(stdoutIsData ? System.err : System.out, ProgressFormat.interactive(), 0, DEFAULT_LOG_SECONDS,
                System::nanoTime);
    }

    @Override
    public void begin(String label, long total, String unit) {
        endBar();
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.done = 0;
        started = lastLine = nanoClock.getAsLong();
        out.println(total > 0 ? String.format(Locale.ROOT, "%s: %,d %s ...", label, total, unit) : label + " ...");
        out.flush();
    }

    @Override
    public void advance(long done) {
        this.done = done;
        long now = nanoClock.getAsLong();
        double elapsed = (now - started) / 1e9;
        if (tty) {
            if (now - lastLine < REDRAW_NANOS && done < total) return;
            out.printf(Locale.ROOT, "\r%s %s %,d/%,d %s eta %s ", label, ProgressFormat.bar(done, total), done, total, unit,
                    ProgressFormat.eta(elapsed, done, total));
            out.flush();
            barDrawn = true;
            lastLine = now;
        } else if (dueByCount(done) || (now - lastLine) / 1e9 >= logSeconds) {
            out.printf(Locale.ROOT, "%s: %,d/%,d %s, elapsed %s, eta %s%n", label, done, total, unit,
                    ProgressFormat.duration(elapsed), ProgressFormat.eta(elapsed, done, total));
            out.flush();
            lastLine = now;
        }
    }

    private boolean dueByCount(long done) {
        if (done == total) return true;
        long every = logEvery > 0 ? logEvery : Math.max(1, total / DEFAULT_LINES);
        return total > 0 && done % every == 0;
    }

    @Override
    public void end() {
        finish("done");
    }

    /** Ends the phase with {@code result} in its closing line instead of "done". */
    void finish(String result) {
        endBar();
        out.printf(Locale.ROOT, "%s: %s (%s)%n", label, result, ProgressFormat.duration((nanoClock.getAsLong() - started) / 1e9));
        out.flush();
    }

    private void endBar() {
        if (barDrawn) {
            out.println();
            barDrawn = false;
        }
    }
}
