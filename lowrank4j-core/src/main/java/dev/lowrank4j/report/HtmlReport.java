package dev.lowrank4j.report;

import java.util.ArrayList;
import java.util.List;

/** A self-contained HTML page: headings, tables and inline SVG charts, no external resources. */
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
        StringBuilder sb = new StringBuilder("<table><tr>");
        for (String h : header) sb.append("<th>").append(SvgLineChart.esc(h)).append("</th>");
        sb.append("</tr>");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (String c : r) sb.append("<td>").append(SvgLineChart.esc(c)).append("</td>");
            sb.append("</tr>");
        }
        parts.add(sb.append("</table>").toString());
        return this;
    }

    public HtmlReport chart(String chartTitle, String xLabel, String yLabel, List<Series> series) {
        parts.add(SvgLineChart.render(chartTitle, xLabel, yLabel, series));
        return this;
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(SvgLineChart.esc(title)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th{background:#f4f4f4}td:first-child{text-align:left}pre{background:#f8f8f8;padding:8px}")
                .append("</style></head><body>\n<h1>").append(SvgLineChart.esc(title)).append("</h1>\n");
        for (String p : parts) sb.append(p).append('\n');
        return sb.append("</body></html>\n").toString();
    }
}
