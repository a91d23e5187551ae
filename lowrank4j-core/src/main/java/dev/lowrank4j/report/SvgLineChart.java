package dev.lowrank4j.report;

import java.util.List;
import java.util.Locale;

/**
 * Draws line charts as inline SVG: no JavaScript and no network, so a report opens anywhere,
 * offline, and can be attached to an issue as a single file. Ticks sit at round values
 * ({@link NiceTicks}); the legend is HTML under the chart, so long names (module paths) neither
 * overlap the plot nor get cut off.
 */
public final class SvgLineChart {
    /** Colours that stay apart for colour-blind readers (Okabe–Ito), then dashed repeats. */
    static final String[] COLORS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933"};
    private static final String[] DASHES = {"", "6 3", "2 3"};
    private static final int W = 760, H = 340, LEFT = 72, RIGHT = 16, TOP = 30, BOTTOM = 46;
    /** Series with at most this many points get a marker on each point (evaluations, stage ends). */
    private static final int MARKERS_UP_TO = 40;

    private SvgLineChart() {}

    /**
     * @param logY a log10 y axis for quantities that span decades (gradient norms); ignored when the
     *             values span less than a factor of 10. Values at or below 0 are left out of a log axis.
     */
    public static String render(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1]) || logY && p[1] <= 0) continue;
                x0 = Math.min(x0, p[0]);
                x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]);
                y1 = Math.max(y1, p[1]);
            }
        }
        boolean empty = !Double.isFinite(x0);
        // less than a decade reads better on a linear axis (a log axis would show one or two ticks)
        logY = logY && !empty && y1 / y0 >= 10;
        if (empty) {
            x0 = 0;
            x1 = 1;
            y0 = logY ? 1 : 0;
            y1 = logY ? 10 : 1;
        }
        if (y1 == y0) { // a flat curve (a fixed rank): give it room above and below
            double d = y0 == 0 ? 1 : Math.abs(y0) * 0.1;
            y0 = logY ? y0 / 2 : y0 - d;
            y1 = logY ? y1 * 2 : y1 + d;
        }
        NiceTicks xt = NiceTicks.linear(x0, Math.max(x1, x0 + 1), 8);
        NiceTicks yt = logY ? NiceTicks.logarithmic(y0, y1) : NiceTicks.linear(y0, y1, 6);
        Axis xa = new Axis(xt.min(), xt.max(), false), ya = new Axis(yt.min(), yt.max(), logY);
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">%n",
                W, H, W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-weight=\"bold\" font-size=\"14\">%s</text>%n", LEFT, esc(title)));
        for (double v : yt.values()) {
            double py = TOP + ph - ya.frac(v) * ph;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>%n", LEFT, py, LEFT + pw, py));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, py + 4, yt.label(v)));
        }
        for (double v : xt.values()) {
            double px = LEFT + xa.frac(v) * pw;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#f0f0f0\"/>%n", px, TOP, px, TOP + ph));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP + ph + 16, xt.label(v)));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n", LEFT, TOP, pw, ph));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + pw / 2, H - 8, esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">%s</text>%n",
                TOP + ph / 2, TOP + ph / 2, esc(yLabel + (logY ? " (log scale)" : ""))));
        if (empty) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#888\">no data logged</text>%n",
                    LEFT + pw / 2, TOP + ph / 2));
        }
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            StringBuilder pts = new StringBuilder(), marks = new StringBuilder();
            int n = 0;
            for (double[] p : s.points()) if (Double.isFinite(p[1]) && !(logY && p[1] <= 0)) n++;
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1]) || logY && p[1] <= 0) continue;
                double px = LEFT + xa.frac(p[0]) * pw, py = TOP + ph - ya.frac(p[1]) * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                if (n <= MARKERS_UP_TO) marks.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>", px, py));
            }
            String dash = DASHES[(si / COLORS.length) % DASHES.length];
            // a curve that a later one covers exactly (equal ranks) is drawn wider, so both stay visible as nested bands
            int coveredBy = 0;
            for (int later = si + 1; later < series.size(); later++) if (samePoints(s, series.get(later))) coveredBy++;
            double width = 2 + 3 * coveredBy;
            double r = 3 + width / 2 - 1;
            String marksSized = marks.toString().replace("r=\"3\"", String.format(Locale.ROOT, "r=\"%.1f\"", r));
            sb.append(String.format(Locale.ROOT, "<g stroke=\"%s\" fill=\"%s\"><polyline fill=\"none\" stroke-width=\"%.1f\" stroke-linejoin=\"round\"%s points=\"%s\"/>%s</g>%n",
                    color(si), color(si), width, dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"", pts.toString().trim(), marksSized));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** The HTML legend under a chart: one swatch per series, in the series' colour and dash. */
    public static String legend(List<Series> series) {
        StringBuilder sb = new StringBuilder("<div class=\"legend\">");
        for (int si = 0; si < series.size(); si++) {
            String dash = DASHES[(si / COLORS.length) % DASHES.length];
            sb.append(String.format(Locale.ROOT,
                    "<span><svg width=\"26\" height=\"10\"><line x1=\"1\" y1=\"5\" x2=\"25\" y2=\"5\" stroke=\"%s\" stroke-width=\"3\"%s/></svg>%s</span>",
                    color(si), dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"", esc(series.get(si).name())));
        }
        return sb.append("</div>").toString();
    }

    private static boolean samePoints(Series a, Series b) {
        if (a.points().size() != b.points().size() || a.points().isEmpty()) return false;
        for (int i = 0; i < a.points().size(); i++) {
            if (!java.util.Arrays.equals(a.points().get(i), b.points().get(i))) return false;
        }
        return true;
    }

    static String color(int i) {
        return COLORS[i % COLORS.length];
    }

    /** Where a value falls between an axis' ends, 0..1. */
    private record Axis(double lo, double hi, boolean log) {
        double frac(double v) {
            return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        }
    }

    /** Text from run files (method names, paths, settings) goes into the page as text, never as markup. */
    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
