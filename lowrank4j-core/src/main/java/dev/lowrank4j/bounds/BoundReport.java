package dev.lowrank4j.bounds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Per-layer quantities and the totals of every bound for one network; printable and JSON-ready. */
public record BoundReport(String description, boolean feedForwardChain, List<LayerSpectrum> layers,
                          List<KoopmanFactor> koopman, Map<String, BoundTotal> totals, DataStats data,
                          KoopmanOptions koopmanOptions) {
    public static final String NOT_A_CHAIN = "not a feed-forward chain (residuals, attention, norms): the per-layer"
            + " numbers are exact, the totals are products over all matrices and not bounds of this network";

    public BoundTotal total(String name) {
        BoundTotal t = totals.get(name);
        if (t == null) throw new IllegalArgumentException("no bound " + name);
        return t;
    }

    /** The JSON object of {@code bound --json}: model, data, layers with their factors, totals keyed by bound name. */
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", description);
        o.put("feed_forward_chain", feedForwardChain);
        if (!feedForwardChain) o.put("caveat", NOT_A_CHAIN);
        Map<String, Object> ko = new LinkedHashMap<>();
        ko.put("sobolev_offset", koopmanOptions.fixedOrder() == null ? koopmanOptions.sobolevOffset() : null);
        ko.put("sobolev_order", koopmanOptions.fixedOrder());
        ko.put("activation_log_factor", koopmanOptions.activationLogFactor());
        ko.put("final_layer_in_g", koopmanOptions.finalLayerInG());
        o.put("koopman_options", ko);
        o.put("data", data == null ? null : dataJson(data));
        List<Object> rows = new ArrayList<>();
        for (int j = 0; j < layers.size(); j++) rows.add(layerJson(layers.get(j), koopman.get(j)));
        o.put("layers", rows);
        Map<String, Object> t = new LinkedHashMap<>();
        totals.forEach((k, v) -> t.put(k, totalJson(v)));
        o.put("totals", t);
        return o;
    }

    private static Map<String, Object> dataJson(DataStats d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("split", d.split());
        o.put("n", d.n());
        o.put("max_input_norm", num(d.maxInputNorm()));
        o.put("input_frobenius", num(d.inputFrobenius()));
        o.put("margin_quantile", d.marginQuantile());
        o.put("margin", num(d.margin()));
        o.put("margin_loss_rate", num(d.marginLossRate()));
        o.put("accuracy", num(d.accuracy()));
        return o;
    }

    private static Map<String, Object> layerJson(LayerSpectrum w, KoopmanFactor k) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", w.name());
        o.put("rows", w.rows());
        o.put("cols", w.cols());
        if (!w.treatment().isEmpty()) o.put("treatment", w.treatment());
        o.put("spectral_norm", num(w.spectral()));
        o.put("frobenius_norm", num(w.frobenius()));
        o.put("sigma_min", num(w.smallest()));
        o.put("condition_number", num(w.conditionNumber()));
        o.put("stable_rank", num(w.stableRank()));
        o.put("numerical_rank", w.numericalRank());
        o.put("sum_log_sigma", num(w.sumLogSingular()));
        o.put("row_norm_sum", num(w.rowNormSum()));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("koopman_log", num(k.logFactor()));
        f.put("koopman_case", k.layerCase());
        f.put("sobolev_order", k.order());
        f.put("frobenius_log", num(Math.log(w.frobenius())));
        f.put("spectral_log", num(Math.log(w.spectral())));
        f.put("spectral_ratio", num(Math.pow(w.rowNormSum() / w.spectral(), 2.0 / 3.0)));
        f.put("pacbayes_stable_rank", num(w.stableRank()));
        o.put("factors", f);
        return o;
    }

    private static Map<String, Object> totalJson(BoundTotal t) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("paper", t.paper());
        o.put("log10_complexity", num(t.logComplexity() / Math.log(10)));
        o.put("log10_bound", t.hasBound() ? num(t.logBound() / Math.log(10)) : null);
        o.put("ln_complexity", num(t.logComplexity()));
        o.put("ln_bound", t.hasBound() ? num(t.logBound()) : null);
        o.put("formula", t.formula());
        o.put("note", t.note());
        return o;
    }

    /** Finite numbers as numbers, ±∞ as the strings "Infinity"/"-Infinity", NaN as null (JSON has neither). */
    static Object num(double x) {
        if (Double.isNaN(x)) return null;
        if (Double.isInfinite(x)) return x > 0 ? "Infinity" : "-Infinity";
        return x;
    }

    /** The human-readable table: one row per layer, then one per bound. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(description).append('\n');
        if (!feedForwardChain) sb.append("note: ").append(NOT_A_CHAIN).append('\n');
        if (data != null) {
            sb.append(String.format(Locale.ROOT, "data: %s, n=%d, max|x|=%.4g, |X|_F=%.4g, margin(q=%.2f)=%.4g, margin loss=%.4f, accuracy=%.4f%n",
                    data.split(), data.n(), data.maxInputNorm(), data.inputFrobenius(), data.marginQuantile(), data.margin(),
                    data.marginLossRate(), data.accuracy()));
        }
        sb.append(String.format(Locale.ROOT, "%-28s %11s %10s %10s %10s %10s %8s %6s %11s  %s%n", "layer", "shape", "|W|_2",
                "|W|_F", "sigma_min", "cond", "st.rank", "rank", "ln K_j", "Koopman case"));
        for (int j = 0; j < layers.size(); j++) {
            LayerSpectrum w = layers.get(j);
            KoopmanFactor k = koopman.get(j);
            sb.append(String.format(Locale.ROOT, "%-28s %11s %10.4g %10.4g %10.4g %10.4g %8.2f %6d %11.4g  %s%n",
                    abbreviate(w.name(), 28), w.rows() + "x" + w.cols(), w.spectral(), w.frobenius(), w.smallest(),
                    w.conditionNumber(), w.stableRank(), w.numericalRank(), k.logFactor(), k.layerCase()));
        }
        sb.append(String.format(Locale.ROOT, "%n%-10s %16s %12s  %s%n", "bound", "log10 complexity", "log10 bound", "note"));
        totals.forEach((name, t) -> sb.append(String.format(Locale.ROOT, "%-10s %16.4f %12s  %s%n", name,
                t.logComplexity() / Math.log(10), t.hasBound() ? String.format(Locale.ROOT, "%.4f", t.logBound() / Math.log(10)) : "-",
                t.note())));
        return sb.toString();
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max + 1);
    }
}
