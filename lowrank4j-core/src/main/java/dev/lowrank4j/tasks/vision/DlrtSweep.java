package dev.lowrank4j.tasks.vision;

import dev.lowrank4j.dlrt.DlrtOptions;
import dev.lowrank4j.report.HtmlReport;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.util.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The paper's LeNet5 table in one go: the full-rank baseline and one rank-adaptive run per ϑ,
 * trained the same way, each in its own run folder under {@code out} ({@code full-rank/},
 * {@code tau-0.15/}, ...), then {@code sweep.json}, {@code sweep.md} and {@code report.html} with
 * accuracy, ranks, parameter counts and compression side by side. With --resume, finished runs
 * are read back and unfinished ones continue from their checkpoints.
 */
public final class DlrtSweep {
    public static final String BASELINE = "full-rank";

    private DlrtSweep() {}

    public record Row(String name, Double tau, DlrtJob.Result result) {}

    /** {@code base} gives everything but ϑ and the folder; {@code listeners} makes a progress listener per run name. */
    public static List<Row> run(DlrtJob.Options base, List<Double> taus, Function<String, TrainListener> listeners) {
        List<Row> rows = new ArrayList<>();
        DlrtJob.Options baseline = new DlrtJob.Options(base.model(), base.dataName(), base.data(), null, null, base.epochs(),
                base.batch(), base.lr(), base.seed(), base.out().resolve(BASELINE), resumeIfStarted(base, BASELINE),
                base.dlrt().integrator());
        rows.add(new Row(BASELINE, null, DlrtJob.run(baseline, listeners.apply(BASELINE))));
        for (double tau : taus) {
            String name = "tau-" + tau;
            DlrtOptions d = new DlrtOptions(0, tau, base.dlrt().absoluteTau(), base.dlrt().rule(), base.dlrt().denseTauFactor(),
                    base.dlrt().maxRank(), base.dlrt().integrator(), base.dlrt().init());
            DlrtJob.Options o = new DlrtJob.Options(base.model(), base.dataName(), base.data(), d, base.startRanks(), base.epochs(),
                    base.batch(), base.lr(), base.seed(), base.out().resolve(name), resumeIfStarted(base, name), null);
            rows.add(new Row(name, tau, DlrtJob.run(o, listeners.apply(name))));
        }
        write(base, rows);
        return rows;
    }

    /** --resume continues the runs that have started; those that have not start fresh. */
    private static boolean resumeIfStarted(DlrtJob.Options base, String name) {
        return base.resume() && Files.isDirectory(base.out().resolve(name).resolve(dev.lowrank4j.train.Checkpoints.DIR));
    }

    public static final List<String> HEADER = List.of("run", "ϑ", "test acc %", "train acc %", "ranks", "test params",
            "test compression %", "train params", "train compression %");

    public static List<List<String>> table(List<Row> rows) {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            DlrtJob.Result x = r.result();
            out.add(List.of(r.name(), r.tau() == null ? "-" : r.tau().toString(),
                    String.format(Locale.ROOT, "%.2f", 100 * x.testAccuracy()), String.format(Locale.ROOT, "%.2f", 100 * x.trainAccuracy()),
                    x.ranks().isEmpty() ? "full" : x.ranks().values().toString().replaceAll("[\\[\\]]", ""),
                    String.format(Locale.ROOT, "%,d", x.counts().test()), String.format(Locale.ROOT, "%.1f", 100 * x.counts().testCompression()),
                    String.format(Locale.ROOT, "%,d", x.counts().train()), String.format(Locale.ROOT, "%.1f", 100 * x.counts().trainCompression())));
        }
        return out;
    }

    /** The table as Markdown (what docs/DLRT.md quotes). */
    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| " + String.join(" | ", HEADER) + " |\n|" + "---|".repeat(HEADER.size()) + "\n");
        for (List<String> r : table(rows)) sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        return sb.toString();
    }

    private static void write(DlrtJob.Options base, List<Row> rows) {
        String setup = String.format(Locale.ROOT, "%s on %s, %d epochs, batch %d, lr %g, seed %d, integrator %s, truncation %s%s.",
                base.model(), base.dataName(), base.epochs(), base.batch(), base.lr(), base.seed(),
                base.dlrt().integrator().name().toLowerCase(Locale.ROOT), base.dlrt().rule().name().toLowerCase(Locale.ROOT),
                base.dlrt().denseTauFactor() != 1 ? ", dense-layer ϑ factor " + base.dlrt().denseTauFactor() : "");
        Json.writeStringAtomically(base.out().resolve("sweep.md"), setup + "\n\n" + markdown(rows));
        HtmlReport html = new HtmlReport("lowrank4j dlrt sweep: " + base.model() + " on " + base.dataName());
        html.paragraph(setup + " Each run's own report.html shows its loss and ranks over time.");
        html.table(HEADER, table(rows));
        Json.writeStringAtomically(base.out().resolve("report.html"), html.render());
        List<Map<String, Object>> json = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", r.name());
            m.put("tau", r.tau());
            m.put("test_accuracy", r.result().testAccuracy());
            m.put("train_accuracy", r.result().trainAccuracy());
            m.put("test_compression", r.result().counts().testCompression());
            m.put("train_compression", r.result().counts().trainCompression());
            m.put("ranks", r.result().ranks());
            m.put("test_parameters", r.result().counts().test());
            m.put("train_parameters", r.result().counts().train());
            m.put("run_dir", r.result().runDir().toString());
            json.add(m);
        }
        Json.writeAtomically(base.out().resolve("sweep.json"), Map.of("setup", setup, "results", json));
    }
}
