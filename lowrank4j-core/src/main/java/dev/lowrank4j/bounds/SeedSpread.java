package dev.lowrank4j.bounds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How much a {@link BoundSweep} configuration's gap moves with the seed: mean and sample standard
 * deviation of the gaps and the test accuracy over the runs of one configuration. Without it a
 * difference between two configurations cannot be told from seed noise.
 */
final class SeedSpread {
    private static final String[] MEASURES = {"accuracy_gap", "loss_gap", "test_accuracy"};

    private SeedSpread() {}

    /** One entry per configuration, in the order of the runs; reads the rows' {@code configuration} and the measures. */
    static List<Map<String, Object>> of(List<Map<String, Object>> rows) {
        Map<String, List<Map<String, Object>>> byConfiguration = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            byConfiguration.computeIfAbsent((String) r.get("configuration"), k -> new ArrayList<>()).add(r);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        byConfiguration.forEach((name, runs) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("configuration", name);
            e.put("seeds", runs.size());
            for (String m : MEASURES) {
                double[] v = runs.stream().mapToDouble(r -> (Double) r.get(m)).toArray();
                e.put(m + "_mean", mean(v));
                // one run has no spread to measure: null, not 0
                e.put(m + "_sd", v.length > 1 ? BoundReport.num(sampleSd(v)) : null);
            }
            out.add(e);
        });
        return out;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** Standard deviation with the n − 1 denominator (the runs are a sample of the seeds). */
    static double sampleSd(double[] v) {
        double m = mean(v), ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (v.length - 1));
    }

    static String markdown(List<Map<String, Object>> spread) {
        StringBuilder sb = new StringBuilder("Per configuration across seeds (mean ± sample sd; sd '-' for a single seed):\n\n"
                + "| configuration | seeds | acc gap | loss gap | test acc |\n|---|---|---|---|---|\n");
        for (Map<String, Object> e : spread) {
            sb.append("| ").append(e.get("configuration")).append(" | ").append(e.get("seeds")).append(" |");
            for (String m : MEASURES) {
                Object sd = e.get(m + "_sd");
                sb.append(String.format(Locale.ROOT, " %.4f ± %s |", (Double) e.get(m + "_mean"),
                        sd instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : "-"));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
