package dev.lowrank4j.cli;

import dev.lowrank4j.train.MemoryLedger;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.util.PhaseListener;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Shows training progress: a redrawn bar on a terminal, a plain log line every few steps
 * otherwise (so CI logs and pipes stay readable).
 */
class Progress implements TrainListener {
    private final PrintStream out;
    private final boolean tty;
    private final int logEvery;
    private long total;
    private String lastEval = "";
    private boolean barDrawn;
    private double lastLineSeconds;
    private final PhaseProgress phases;

    Progress(PrintStream out, int logEvery) {
        this(out, logEvery, ProgressFormat.interactive());
    }

    Progress(PrintStream out, int logEvery, boolean tty) {
        this.out = out;
        this.tty = tty;
        this.logEvery = logEvery;
        this.phases = new PhaseProgress(out, tty, 0, PhaseProgress.DEFAULT_LOG_SECONDS, System::nanoTime);
    }

    /** Loading, tokenizing, scoring and exporting around the steps, on the same stream. */
    @Override
    public PhaseListener phases() {
        endBar();
        return phases;
    }

    /** Starts counting without printing the memory table (for several runs in a row). */
    void quietStart(long totalSteps) {
        this.total = totalSteps;
    }

    @Override
    public void onStart(long startStep, long totalSteps, MemoryLedger ledger) {
        this.total = totalSteps;
        out.println(startStep >= totalSteps ? "the run already has " + startStep + " steps: nothing to train, writing its outputs "
                + "from the last checkpoint (pass a larger --steps to train more)"
                : startStep > 0 ? "resuming at step " + startStep + " of " + totalSteps : "training for " + totalSteps + " steps");
        if (ledger.get(dev.lowrank4j.tensor.MemoryCategory.ACTIVATIONS) > 0) { // a resume: measured in an earlier step
            out.println("memory by category:");
            out.print(ledger.format());
        } else {
            out.println("memory before the first step: " + MemoryLedger.human(ledger.total())
                    + " (weights, gradients, optimizer states); the table by category follows the first step, with its activations");
        }
    }

    @Override
    public void onMemoryMeasured(MemoryLedger ledger) {
        if (barDrawn) { // the step bar owns the line
            out.println();
            barDrawn = false;
        }
        out.println("memory by category (activations: what the first step's forward kept for backward):");
        out.print(ledger.format());
    }

    @Override
    public void onStep(StepStats s) {
        if (tty) {
            out.printf("\r%s %d/%d loss %.4f%s lr %.2e %,.0f %s/s eta %s ", ProgressFormat.bar(s.step(), total),
                    s.step(), total, s.loss(), lastEval, s.lr(), s.unitsPerSecond(), shortUnit(s.unit()),
                    ProgressFormat.eta(s.elapsedSeconds(), s.step(), total));
            out.flush();
            barDrawn = true;
        } else if (s.step() % logEvery == 0 || s.step() == total
                || s.elapsedSeconds() - lastLineSeconds >= PhaseProgress.DEFAULT_LOG_SECONDS) { // slow steps: a line every 10 s at least
            lastLineSeconds = s.elapsedSeconds();
            out.printf("step %d/%d loss %.4f lr %.2e grad_norm %.3f %,.0f %s/s elapsed %s eta %s%n", s.step(), total,
                    s.loss(), s.lr(), s.gradNorm(), s.unitsPerSecond(), shortUnit(s.unit()), ProgressFormat.duration(s.elapsedSeconds()),
                    ProgressFormat.eta(s.elapsedSeconds(), s.step(), total));
        }
    }

    @Override
    public void onEval(long step, Metrics m) {
        lastEval = String.format(" %s %.4f", m.primary(), m.primaryValue());
        endBar();
        out.printf("step %d: %s%n", step, m.describe());
    }

    private static String shortUnit(String unit) {
        return unit.equals("tokens") ? "tok" : unit.equals("examples") ? "ex" : unit;
    }

    @Override
    public void onCheckpoint(long step, Path dir) {
        if (!tty) out.println("checkpoint: " + dir);
    }

    void endBar() {
        if (barDrawn) {
            out.println();
            barDrawn = false;
        }
    }
}
