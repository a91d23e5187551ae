package dev.lowrank4j.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Horizontal stacked bars as inline SVG: one bar per method (or one for a single run), one segment
 * per memory category, so where the bytes go can be compared at a glance. Categories that are zero
 * in every bar are left out of the bars and the legend.
 */
public final class SvgStackedBars {
    private static final int W = 760, LEFT = 110, RIGHT = 24, TOP = 30, BAR = 26, GAP = 12, BOTTOM = 40;
    private static final double MIB = 1024.0 * 1024.0;

    private SvgStackedBars() {}

    /** @param bytes category → bytes, in the order the segments are stacked */
    public record Bar(String name, Map<String, Long> bytes) {}

    public static List<String> categories(List<Bar> bars) {
        List<String> out = new ArrayList<>();
        for (Bar b : bars) {
            b.bytes().forEach((k, v) -> {
                if (v > 0 && !out.contains(k)) out.add(k);
            });
        }
        return out;
    }

    public static String render(String title, List<Bar> bars) {
        List<String> cats = categories(bars);
        double max = 0;
        for (Bar b : bars) max = Math.max(max, b.bytes().values().stream().mapToLong(Long::longValue).sum() / MIB);
        NiceTicks xt = NiceTicks.linear(0, max > 0 ? max : 1, 6);
        int pw = W - LEFT - RIGHT, h = TOP + bars.size() * (BAR + GAP) + BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">%n",
                W, h, W, h));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-weight=\"bold\" font-size=\"14\">%s</text>%n", LEFT, SvgLineChart.esc(title)));
        int axisY = TOP + bars.size() * (BAR + GAP);
        for (double v : xt.values()) {
            double px = LEFT + v / xt.max() * pw;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>%n", px, TOP, px, axisY));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, axisY + 16, xt.label(v)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">MiB</text>%n", LEFT + pw / 2, h - 6));
        for (int bi = 0; bi < bars.size(); bi++) {
            Bar b = bars.get(bi);
            int y = TOP + bi * (BAR + GAP) + GAP / 2;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LEFT - 8, y + BAR / 2 + 4, SvgLineChart.esc(b.name())));
            double x = LEFT;
            for (int ci = 0; ci < cats.size(); ci++) {
                long v = b.bytes().getOrDefault(cats.get(ci), 0L);
                if (v <= 0) continue;
                double w = v / MIB / xt.max() * pw;
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.5\"><title>%s: %s</title></rect>%n",
                        x, y, w, BAR, SvgLineChart.color(ci), SvgLineChart.esc(cats.get(ci)), SvgLineChart.esc(human(v))));
                x += w;
            }
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", LEFT, TOP, LEFT, axisY));
        return sb.append("</svg>\n").toString();
    }

    /** Legend and a table of the exact numbers, since a bar's segments can be too thin to read. */
    public static String legend(List<Bar> bars) {
        List<String> cats = categories(bars);
        StringBuilder sb = new StringBuilder("<div class=\"legend\">");
        for (int ci = 0; ci < cats.size(); ci++) {
            sb.append(String.format(Locale.ROOT, "<span><svg width=\"14\" height=\"12\"><rect width=\"14\" height=\"12\" fill=\"%s\"/></svg>%s</span>",
                    SvgLineChart.color(ci), SvgLineChart.esc(cats.get(ci))));
        }
        return sb.append("</div>").toString();
    }

    /** The bars' numbers as table rows: name, then each category, then the total. */
    public static List<List<String>> rows(List<Bar> bars, List<String> cats) {
        List<List<String>> out = new ArrayList<>();
        for (Bar b : bars) {
            List<String> r = new ArrayList<>(List.of(b.name()));
            long total = 0;
            for (String c : cats) {
                long v = b.bytes().getOrDefault(c, 0L);
                total += v;
                r.add(human(v));
            }
            r.add(human(total));
            out.add(r);
        }
        return out;
    }

    /** Drops the ledger's own "total" entry: the bar's length is the total. */
    public static Map<String, Long> withoutTotal(Map<String, Long> ledger) {
        Map<String, Long> m = new LinkedHashMap<>(ledger);
        m.remove("total");
        return m;
    }

    static String human(long b) {
        return dev.lowrank4j.train.MemoryLedger.human(b);
    }
}
