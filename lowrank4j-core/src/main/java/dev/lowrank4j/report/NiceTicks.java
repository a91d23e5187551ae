package dev.lowrank4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Axis ticks at round values, 1, 2 or 5 times a power of ten, so a reader can read a value off a
 * chart without doing arithmetic; on a log axis the ticks are powers of ten (with 2 and 5 between
 * them when the axis spans few decades).
 *
 * @param values ticks from low to high; the axis runs from the first to the last
 * @param step   distance between linear ticks (decides how many decimals the labels get); 0 on log axes
 */
public record NiceTicks(double[] values, double step, boolean log) {
    /** About {@code target} round ticks covering [lo, hi]. */
    public static NiceTicks linear(double lo, double hi, int target) {
        if (!(hi > lo)) hi = lo + 1;
        double step = roundStep((hi - lo) / Math.max(1, target));
        double first = Math.floor(lo / step + 1e-9) * step, last = Math.ceil(hi / step - 1e-9) * step;
        int n = (int) Math.round((last - first) / step);
        double[] v = new double[n + 1];
        for (int i = 0; i <= n; i++) v[i] = clean(first + i * step, step);
        return new NiceTicks(v, step, false);
    }

    /** Ticks for a log axis over [lo, hi], both positive. */
    public static NiceTicks logarithmic(double lo, double hi) {
        int e0 = (int) Math.floor(Math.log10(lo) + 1e-9), e1 = (int) Math.ceil(Math.log10(hi) - 1e-9);
        if (e1 == e0) e1++;
        double[] mantissas = e1 - e0 <= 2 ? new double[] {1, 2, 5} : new double[] {1};
        List<Double> all = new ArrayList<>();
        for (int e = e0; e <= e1; e++) {
            for (double m : mantissas) {
                double v = m * Math.pow(10, e);
                if (e == e1 && m > 1) break;
                all.add(v);
            }
        }
        // trim ticks outside the data, keeping one round value either side so the data stays inside the axis
        int a = 0, b = all.size() - 1;
        while (a + 1 < all.size() && all.get(a + 1) <= lo) a++;
        while (b - 1 >= 0 && all.get(b - 1) >= hi) b--;
        double[] v = all.subList(a, b + 1).stream().mapToDouble(Double::doubleValue).toArray();
        return new NiceTicks(v, 0, true);
    }

    /** The nearest of 1, 2, 5 × 10^k at or above {@code raw}. */
    static double roundStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    /** Removes the float noise of first + i·step (0.30000000000000004). */
    private static double clean(double v, double step) {
        double q = Math.pow(10, Math.max(0, decimals(step)));
        return Math.round(v * q) / q;
    }

    private static int decimals(double step) {
        return step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
    }

    public double min() {
        return values[0];
    }

    public double max() {
        return values[values.length - 1];
    }

    /**
     * A tick's label: as many decimals as the step needs, or powers of ten (5e-4) when the axis'
     * values are tiny or huge. One style per axis, so neighbouring labels read alike.
     */
    public String label(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (scientific()) {
            // round ticks have one significant digit, more only when a linear step is finer than the value
            int digits = log ? 0 : Math.max(0, (int) Math.floor(Math.log10(a)) - (int) Math.floor(Math.log10(step)));
            String s = String.format(Locale.ROOT, "%." + digits + "e", v);
            return s.replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
        }
        if (log) return String.format(Locale.ROOT, "%." + Math.max(0, decimals(a)) + "f", v);
        return String.format(Locale.ROOT, "%." + decimals(step) + "f", v);
    }

    private boolean scientific() {
        double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
        for (double v : values) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
            if (v != 0) minAbs = Math.min(minAbs, Math.abs(v));
        }
        return maxAbs >= 1e6 || (log ? minAbs < 1e-3 : maxAbs < 1e-3);
    }
}
