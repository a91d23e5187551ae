package dev.lowrank4j.report;

import java.util.List;
import java.util.Locale;

/**
 * Draws line charts as inline SVG: no JavaScript and no network, so a report opens anywhere,
 * offline, and can be attached to an issue as a single file.
 */
public final class SvgLineChart {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"};
    private static final int W = 720, H = 360, LEFT = 64, RIGHT = 150, TOP = 24, BOTTOM = 44;

    private SvgLineChart() {}

    public static String render(String title, String xLabel, String yLabel, List<Series> series) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1])) continue;
                x0 = Math.min(x0, p[0]);
                x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]);
                y1 = Math.max(y1, p[1]);
            }
        }
        if (!Double.isFinite(x0)) {
            x0 = 0;
            x1 = 1;
            y0 = 0;
            y1 = 1;
        }
        if (x1 == x0) x1 = x0 + 1;
        if (y1 == y0) y1 = y0 + 1;
        double pad = 0.05 * (y1 - y0);
        y0 -= pad;
        y1 += pad;
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                W, H, W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                LEFT, TOP, pw, ph));
        for (int i = 0; i <= 4; i++) {
            double yv = y0 + (y1 - y0) * i / 4;
            double py = TOP + ph - (double) ph * i / 4;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", LEFT, py, LEFT + pw, py));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3f</text>%n", LEFT - 4, py + 4, yv));
            double xv = x0 + (x1 - x0) * i / 4;
            double px = LEFT + (double) pw * i / 4;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP + ph + 16, num(xv)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + pw / 2, H - 8, esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>%n",
                TOP + ph / 2, TOP + ph / 2, esc(yLabel)));
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            String color = COLORS[si % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1])) continue;
                double px = LEFT + (p[0] - x0) / (x1 - x0) * pw;
                double py = TOP + ph - (p[1] - y0) / (y1 - y0) * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"%s\"/>%n", color, pts.toString().trim()));
            int ly = TOP + 14 + 18 * si;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                    LEFT + pw + 10, ly - 4, LEFT + pw + 30, ly - 4, color));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + pw + 36, ly, esc(s.name())));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String num(double v) {
        return Math.abs(v) >= 10 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
