package dev.lowrank4j.tasks;

import dev.lowrank4j.report.HtmlReport;
import dev.lowrank4j.report.RunMetrics;
import dev.lowrank4j.report.Series;
import dev.lowrank4j.report.Settings;
import dev.lowrank4j.report.SvgStackedBars;
import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.train.MemoryLedger;
import dev.lowrank4j.train.TrainConfig;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.train.TrainSummary;
import dev.lowrank4j.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Pretrains the same LLaMA on the same data and token budget once per method and puts the
 * results side by side: the small-scale version of the GaLore/Fira papers' pretraining table.
 * Each method keeps its own learning rate (as the papers tuned theirs); everything else is shared.
 */
public final class CompareJob {
    private CompareJob() {}

    /** One method to run: how it trains and with which peak learning rate. */
    public record Entry(PretrainMethod method, double lr) {}

    public record Options(ModelShape shape, TrainConfig train, List<Entry> entries, Path corpus, Path out) {}

    public record Row(String method, TrainSummary summary, RunMetrics.Curves curves, double lr, int rank) {}

    /** Creates a listener for each method's run (for progress output). */
    public static List<Row> run(Options o, Function<String, TrainListener> listeners) {
        // warm the JIT on a throwaway model so the first method's tokens/s is not charged for compilation
        StepBenchmark.run(o.shape(), o.train().batch(), o.train().seq(), 3, 1);
        List<Row> rows = new ArrayList<>();
        for (Entry e : o.entries()) {
            TrainConfig t = withLr(o.train(), e.lr());
            Path dir = o.out().resolve(e.method().id());
            TrainSummary s = PretrainJob.run(new PretrainJob.Options(o.shape(), t, e.method(), o.corpus(), dir, false),
                    listeners.apply(e.method().id()));
            int rank = e.method().kind() == PretrainMethod.Kind.FULL ? 0 : e.method().effectiveRank(o.shape().dim());
            rows.add(new Row(e.method().id(), s, RunMetrics.read(dir.resolve("metrics.jsonl")), e.lr(), rank));
        }
        writeOutputs(o, rows);
        return rows;
    }

    private static TrainConfig withLr(TrainConfig t, double lr) {
        return t.toBuilder().lr(lr).build();
    }

    public static final List<String> HEADER = List.of("method", "rank", "lr", "val loss", "val ppl", "trainable params",
            "weights", "gradients", "optimizer states", "projectors", "tokens/s");

    public static List<List<String>> table(List<Row> rows) {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            TrainSummary s = r.summary();
            MemoryLedger m = s.memory();
            double val = s.metric(CausalLm.VAL_LOSS);
            out.add(List.of(r.method(), r.rank() == 0 ? "-" : Integer.toString(r.rank()), String.format(Locale.ROOT, "%.3g", r.lr()),
                    String.format(Locale.ROOT, "%.4f", val), String.format(Locale.ROOT, "%.3f", Math.exp(val)),
                    String.format(Locale.ROOT, "%,d", s.trainableParameters()),
                    MemoryLedger.human(m.get(MemoryCategory.WEIGHTS)), MemoryLedger.human(m.get(MemoryCategory.GRADIENTS)),
                    MemoryLedger.human(m.get(MemoryCategory.OPTIMIZER_STATES)), MemoryLedger.human(m.get(MemoryCategory.BUFFERS)),
                    String.format(Locale.ROOT, "%,.0f", s.unitsPerSecond())));
        }
        return out;
    }

    /** Fixed-width text rendering of {@link #table}, for terminals and docs. */
    public static String formatTable(List<Row> rows) {
        List<List<String>> body = table(rows);
        int[] w = new int[HEADER.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = HEADER.get(i).length();
            for (List<String> r : body) w[i] = Math.max(w[i], r.get(i).length());
        }
        StringBuilder sb = new StringBuilder();
        List<List<String>> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(body);
        for (List<String> r : all) {
            for (int i = 0; i < w.length; i++) {
                String c = r.get(i);
                sb.append(i == 0 ? String.format("%-" + w[i] + "s", c) : String.format("  %" + w[i] + "s", c));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static void writeOutputs(Options o, List<Row> rows) {
        HtmlReport html = new HtmlReport("lowrank4j compare: pretraining methods on one budget");
        html.paragraph(String.format(Locale.ROOT,
                "Model: vocab %d, dim %d, %d layers, %d heads, hidden %d. Budget: %d steps x %d sequences x %d tokens = %,d tokens per method. Seed %d. Corpus: %s.",
                o.shape().vocab(), o.shape().dim(), o.shape().layers(), o.shape().heads(), o.shape().hidden(),
                o.train().steps(), o.train().batch(), o.train().seq(),
                o.train().steps() * o.train().tokensPerStep(), o.train().seed(),
                o.corpus() == null ? "embedded Moby Dick" : o.corpus().toString()));
        html.table(HEADER, table(rows));
        List<Series> val = new ArrayList<>(), train = new ArrayList<>(), lr = new ArrayList<>(), grad = new ArrayList<>();
        List<SvgStackedBars.Bar> memory = new ArrayList<>();
        for (Row r : rows) {
            val.add(new Series(r.method(), r.curves().valLoss()));
            train.add(new Series(r.method(), r.curves().trainLoss()));
            lr.add(new Series(r.method(), r.curves().lr()));
            grad.add(new Series(r.method(), r.curves().gradNorm()));
            memory.add(new SvgStackedBars.Bar(r.method(), SvgStackedBars.withoutTotal(r.summary().memory().asMap())));
        }
        html.chart("Validation loss", "step", "nats per byte", val,
                "Held-out loss of each method at every evaluation on the same data and token budget: the lowest curve at the end is the best method here.");
        html.chart("Training loss", "step", "nats per byte", train,
                "Training loss of every logged step; a method far above the others early on learns more slowly at its learning rate.");
        html.chart("Learning rate", "step", "learning rate", lr,
                "Each method's schedule: the same warmup and decay, scaled to the method's own peak learning rate.");
        html.logChart("Gradient norm", "step", "global L2 norm", grad,
                "Global gradient norm of each step before clipping; spikes that match loss spikes mark unstable training.");
        html.memoryBars("Memory by category", memory,
                "Bytes each method holds while training, by what they are for: low-rank methods save on gradients and optimizer states, at the price of projectors or adapters.");
        html.heading("Settings shared by every method");
        Map<String, Object> shared = new LinkedHashMap<>();
        shared.put("model", o.shape());
        shared.put("train", o.train());
        Map<String, String> settings = new LinkedHashMap<>(Settings.of(shared));
        settings.remove("train.lr"); // each method has its own, listed below
        for (Row r : rows) settings.put("lr." + r.method(), String.format(Locale.ROOT, "%.3g", r.lr()));
        html.settings(settings);
        Json.writeStringAtomically(o.out().resolve("report.html"), html.render());
        List<Map<String, Object>> json = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("rank", r.rank());
            m.put("lr", r.lr());
            m.putAll(r.summary().toJson());
            json.add(m);
        }
        Json.writeAtomically(o.out().resolve("compare.json"), Map.of("results", json));
    }
}
