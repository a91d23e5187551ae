package dev.lowrank4j.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Named evaluation results, e.g. {@code val_loss} and {@code val_perplexity} for a language model
 * or {@code test_loss}, {@code accuracy} and {@code f1} for a classifier. {@code primary} names the
 * one that progress lines lead with.
 */
public record Metrics(Map<String, Double> values, String primary) {
    public Metrics {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        if (!values.containsKey(primary)) throw new IllegalArgumentException("metrics have no '" + primary + "'");
    }

    public static final Metrics NONE = new Metrics(Map.of("none", Double.NaN), "none");

    public double get(String name) {
        Double v = values.get(name);
        if (v == null) throw new IllegalArgumentException("no metric '" + name + "' in " + values.keySet());
        return v;
    }

    public double primaryValue() {
        return values.get(primary);
    }

    public boolean isEmpty() {
        return this == NONE;
    }

    /** "val_loss 1.4224 val_perplexity 4.147": every value, four significant decimals. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : "  ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.4f", v)));
        return sb.toString();
    }
}
