package dev.lowrank4j.tasks;

import dev.lowrank4j.bounds.BoundsLogHook;
import dev.lowrank4j.report.HtmlReport;
import dev.lowrank4j.report.RunMetrics;
import dev.lowrank4j.report.Series;
import dev.lowrank4j.report.Settings;
import dev.lowrank4j.report.SvgStackedBars;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.train.TrainSummary;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The self-contained {@code report.html} every run folder gets: what ran, the loss curves (training
 * and every evaluation loss), learning rate and gradient norm, memory by category, layer ranks when
 * the run reports them (DLRT per layer, PeriodicLoRA's accumulated update), the other evaluation
 * metrics, the bounds when logged, and the run's settings. Each chart says in one sentence what it
 * shows.
 */
public final class RunReport {
    public static final String FILE = "report.html";
    /** Evaluation metrics named rank_PATH get their own chart (DLRT's rank of each layer over time). */
    public static final String RANK_PREFIX = "rank_";

    private RunReport() {}

    public static void write(Path runDir, String title, String description, String lossUnit, TrainSummary summary) {
        RunMetrics.Curves c = RunMetrics.read(runDir.resolve(Trainer.METRICS_FILE));
        HtmlReport html = new HtmlReport(title);
        html.paragraph(description);
        List<Series> losses = new ArrayList<>(List.of(new Series("train", c.trainLoss())));
        List<Series> others = new ArrayList<>(), ranks = new ArrayList<>();
        for (Map.Entry<String, List<double[]>> e : c.evaluations().entrySet()) {
            if (e.getKey().endsWith("_perplexity")) continue; // the same curve as the loss, exponentiated
            if (BoundsLogHook.isBoundKey(e.getKey())) continue; // charted below, on their own
            if (e.getKey().startsWith(RANK_PREFIX)) { // DLRT: the rank of each layer, drawn beside the loss
                ranks.add(new Series(e.getKey().substring(RANK_PREFIX.length()), e.getValue()));
                continue;
            }
            if (e.getKey().endsWith("_per_second") || e.getKey().endsWith("_seen")) continue; // throughput, not a result
            (e.getKey().endsWith("_loss") ? losses : others).add(new Series(e.getKey(), e.getValue()));
        }
        html.chart("Loss", "step", lossUnit, losses, losses.size() > 1
                ? "Training loss of every logged step and the held-out loss at each evaluation: a widening gap between them means overfitting."
                : "Training loss of every logged step; lower is better.");
        html.chart("Learning rate", "step", "learning rate", List.of(new Series("lr", c.lr())),
                lrCaption(c.lr()));
        html.logChart("Gradient norm", "step", "global L2 norm", List.of(new Series("gradient norm", c.gradNorm())),
                "Global gradient norm of each step before clipping; spikes that line up with loss spikes point at instability.");
        html.memoryBars("Memory by category", List.of(new SvgStackedBars.Bar("this run", SvgStackedBars.withoutTotal(summary.memory().asMap()))),
                "Bytes held during training, by what they are for (activations are the largest step's); the bar's length is the total.");
        if (!ranks.isEmpty()) {
            html.chart("Rank per layer", "step", "rank", ranks,
                    "DLRT's rank of each low-rank layer at each evaluation: the layers keep only the singular values above the truncation tolerance.");
        }
        List<Series> plora = new ArrayList<>();
        PloraRankLog.curves(runDir).forEach((k, v) -> plora.add(new Series(k, v)));
        if (!plora.isEmpty()) {
            html.chart("PeriodicLoRA: rank of the accumulated update W - W0", "step", "rank", plora,
                    "Numerical rank of each layer's total update after every stage: above one stage's r means the stages added directions a single LoRA could not.");
        }
        if (!others.isEmpty()) {
            html.chart("Evaluation", "step", "value", others, "The other metrics of each evaluation on the held-out data.");
        }
        List<Series> bounds = new ArrayList<>(); // --log-bounds: the bound records of metrics.jsonl
        BoundsLogHook.curves(runDir).forEach((k, v) -> bounds.add(new Series(k, v)));
        if (!bounds.isEmpty()) {
            html.chart("Generalization bounds (log10 complexity, weights only)", "step", "log10", bounds,
                    "Each bound's log10 complexity term over training, from the weights alone: a curve that keeps rising means the bound loosens as training goes on.");
        }
        html.heading("Final evaluation");
        html.preformatted(summary.metrics().describe() + "\n\nmemory by category\n" + summary.memory().format());
        Map<String, String> settings = Settings.read(runDir.resolve(RunFolder.CONFIG_FILE));
        if (!settings.isEmpty()) {
            html.heading("Settings (run_config.json)");
            html.settings(settings);
        }
        Json.writeStringAtomically(runDir.resolve(FILE), html.render());
    }

    /** Says what the schedule was, so a constant rate (DLRT) is not described as warmup and decay. */
    static String lrCaption(List<double[]> lr) {
        double lo = lr.stream().mapToDouble(p -> p[1]).min().orElse(0), hi = lr.stream().mapToDouble(p -> p[1]).max().orElse(0);
        if (lo == hi) return String.format(java.util.Locale.ROOT, "The learning rate was constant at %.3g for the whole run.", hi);
        return String.format(java.util.Locale.ROOT,
                "The schedule the optimizer followed, peaking at %.3g: a loss jump right after the peak suggests the peak is too high.", hi);
    }
}
