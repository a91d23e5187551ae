package dev.lowrank4j.tasks;

import dev.lowrank4j.report.HtmlReport;
import dev.lowrank4j.report.RunMetrics;
import dev.lowrank4j.report.Series;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.train.TrainSummary;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The self-contained {@code report.html} every run folder gets: what ran, the loss curves (training
 * and every evaluation loss), layer ranks when the run reports them, the other evaluation
 * metrics, and the memory ledger.
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
            if (e.getKey().startsWith(RANK_PREFIX)) { // DLRT: the rank of each layer, drawn beside the loss
                ranks.add(new Series(e.getKey().substring(RANK_PREFIX.length()), e.getValue()));
                continue;
            }
            (e.getKey().endsWith("_loss") ? losses : others).add(new Series(e.getKey(), e.getValue()));
        }
        html.chart("Loss", "step", lossUnit, losses);
        if (!ranks.isEmpty()) html.chart("Rank per layer", "step", "rank", ranks);
        if (!others.isEmpty()) html.chart("Evaluation", "step", "value", others);
        List<Series> bounds = new ArrayList<>(); // --log-bounds: RUN/bounds.jsonl
        dev.lowrank4j.bounds.BoundsLogHook.curves(runDir).forEach((k, v) -> bounds.add(new Series(k, v)));
        if (!bounds.isEmpty()) html.chart("Generalization bounds (log10 complexity, weights only)", "step", "log10", bounds);
        html.preformatted("final evaluation: " + summary.metrics().describe() + "\n\nmemory by category\n" + summary.memory().format());
        Json.writeStringAtomically(runDir.resolve(FILE), html.render());
    }
}
