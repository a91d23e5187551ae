package dev.lowrank4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML page: headings, tables and inline SVG charts, no scripts, fonts or images
 * from anywhere. Every chart carries a one-sentence caption saying what it shows, so a reader who
 * did not start the run knows what to look at. All text is escaped: method names, paths and
 * settings come from run files.
 */
public final class HtmlReport {
    private final String title;
    private final List<String> parts = new ArrayList<>();

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport heading(String text) {
        parts.add("<h2>" + SvgLineChart.esc(text) + "</h2>");
        return this;
    }

    public HtmlReport paragraph(String text) {
        parts.add("<p>" + SvgLineChart.esc(text) + "</p>");
        return this;
    }

    public HtmlReport preformatted(String text) {
        parts.add("<pre>" + SvgLineChart.esc(text) + "</pre>");
        return this;
    }

    public HtmlReport table(List<String> header, List<List<String>> rows) {
        parts.add(tableHtml(header, rows, ""));
        return this;
    }

    /** The run's settings as a two-column table (key paths such as train.lr, then their values). */
    public HtmlReport settings(Map<String, String> settings) {
        List<List<String>> rows = new ArrayList<>();
        settings.forEach((k, v) -> rows.add(List.of(k, v)));
        parts.add(tableHtml(List.of("setting", "value"), rows, " class=\"settings\""));
        return this;
    }

    /** A line chart with a linear y axis and the sentence saying what it shows. */
    public HtmlReport chart(String chartTitle, String xLabel, String yLabel, List<Series> series, String whatItShows) {
        return figure(SvgLineChart.render(chartTitle, xLabel, yLabel, series, false) + SvgLineChart.legend(series), whatItShows);
    }

    /** A line chart with a log10 y axis, for a quantity that spans decades. */
    public HtmlReport logChart(String chartTitle, String xLabel, String yLabel, List<Series> series, String whatItShows) {
        return figure(SvgLineChart.render(chartTitle, xLabel, yLabel, series, true) + SvgLineChart.legend(series), whatItShows);
    }

    /** Memory by category as one stacked bar per entry, the legend, and the exact numbers. */
    public HtmlReport memoryBars(String chartTitle, List<SvgStackedBars.Bar> bars, String whatItShows) {
        List<String> cats = SvgStackedBars.categories(bars);
        List<String> header = new ArrayList<>(List.of(""));
        header.addAll(cats);
        header.add("total");
        return figure(SvgStackedBars.render(chartTitle, bars) + SvgStackedBars.legend(bars)
                + tableHtml(header, SvgStackedBars.rows(bars, cats), ""), whatItShows);
    }

    private HtmlReport figure(String body, String whatItShows) {
        parts.add("<figure>" + body + "<figcaption>" + SvgLineChart.esc(whatItShows) + "</figcaption></figure>");
        return this;
    }

    private static String tableHtml(List<String> header, List<List<String>> rows, String attrs) {
        StringBuilder sb = new StringBuilder("<table" + attrs + "><tr>");
        for (String h : header) sb.append("<th>").append(SvgLineChart.esc(h)).append("</th>");
        sb.append("</tr>");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (String c : r) sb.append("<td>").append(SvgLineChart.esc(c)).append("</td>");
            sb.append("</tr>");
        }
        return sb.append("</table>").toString();
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                // the page may load nothing at all: a stray external reference fails closed instead of reaching out
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
                .append("<title>").append(SvgLineChart.esc(title)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th{background:#f4f4f4}td:first-child{text-align:left}pre{background:#f8f8f8;padding:8px;white-space:pre-wrap}td{white-space:nowrap}")
                .append("table.settings td{text-align:left;font-family:monospace}")
                .append("figure{margin:1.5em 0;padding:0}svg{max-width:100%;height:auto}")
                .append("figcaption{color:#444;font-size:0.95em;margin-top:0.3em}")
                .append(".legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px;margin:2px 0 0 72px}")
                .append(".legend span{display:inline-flex;align-items:center;gap:5px}.legend svg{flex:none}")
                .append("</style></head><body>\n<h1>").append(SvgLineChart.esc(title)).append("</h1>\n");
        for (String p : parts) sb.append(p).append('\n');
        return sb.append("</body></html>\n").toString();
    }
}
