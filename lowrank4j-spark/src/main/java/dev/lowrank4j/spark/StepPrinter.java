package dev.lowrank4j.spark;

import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.train.TrainListener;

import java.io.PrintStream;
import java.util.Locale;

/** The leader's progress, one line per step and per evaluation (executor logs, or the console in local mode). */
final class StepPrinter implements TrainListener {
    private final PrintStream out;

    StepPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onStep(StepStats s) {
        out.printf(Locale.ROOT, "step %d/%d loss %.4f lr %.2e %,.0f %s/s per worker%n", s.step(), s.totalSteps(), s.loss(),
                s.lr(), s.unitsPerSecond(), s.unit());
    }

    @Override
    public void onEval(long step, Metrics metrics) {
        out.println("eval at step " + step + ": " + metrics.values());
    }
}
