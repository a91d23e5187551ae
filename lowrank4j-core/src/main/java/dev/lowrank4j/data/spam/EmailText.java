package dev.lowrank4j.data.spam;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one raw e-mail (RFC 822 headers, blank line, body) into the text a classifier reads:
 * <pre>
 *   Subject (encoded words decoded) + " " + body text, whitespace collapsed to single spaces
 * </pre>
 * where the body text is
 * <ul>
 *   <li>text/plain: the transfer-decoded text;</li>
 *   <li>text/html: transfer-decoded, then tags, scripts and styles dropped ({@link HtmlText});</li>
 *   <li>multipart/alternative: the plain-text alternative if there is one, else the first with text;</li>
 *   <li>other multipart/*: every text part in order (attachments, images and non-text parts dropped);</li>
 *   <li>anything else: nothing.</li>
 * </ul>
 * All other headers (routes, addresses, dates) are dropped: they identify the corpus's mail servers
 * and collection dates more than spamminess, and a classifier would latch onto them.
 */
public final class EmailText {
    /** Nested multiparts deeper than this are ignored (real mail nests two or three levels). */
    private static final int MAX_DEPTH = 8;
    private static final Pattern HEADER_LINE = Pattern.compile("([!-9;-~]+):[ \\t]*(.*)");
    private static final Pattern PARAM = Pattern.compile(";\\s*([A-Za-z0-9*_.-]+)\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private EmailText() {}

    /** The classifier text of a raw message. */
    public static String toClassifierText(String raw) {
        Part message = Part.parse(raw.replace("\r\n", "\n"));
        String subject = MimeDecoding.decodeHeader(message.header("subject"));
        return collapse(subject + " " + bodyText(message, 0));
    }

    static String collapse(String s) {
        return WHITESPACE.matcher(s).replaceAll(" ").strip();
    }

    private static String bodyText(Part part, int depth) {
        String type = part.mediaType();
        if (type.startsWith("multipart/")) {
            String boundary = part.contentTypeParam("boundary");
            if (boundary == null || depth >= MAX_DEPTH) return ""; // unparseable structure: no reliable text
            List<String> texts = new ArrayList<>();
            List<Part> children = splitMultipart(part.body(), boundary).stream().map(Part::parse).toList();
            if (type.equals("multipart/alternative")) {
                for (Part c : children) if (c.mediaType().equals("text/plain")) return bodyText(c, depth + 1);
                for (Part c : children) {
                    String t = bodyText(c, depth + 1);
                    if (!t.isBlank()) return t;
                }
                return "";
            }
            for (Part c : children) texts.add(bodyText(c, depth + 1));
            return String.join(" ", texts);
        }
        if (!type.startsWith("text/")) return "";
        String text = MimeDecoding.decodeBody(part.body(), part.header("content-transfer-encoding"),
                MimeDecoding.charset(part.contentTypeParam("charset")));
        return type.equals("text/html") ? HtmlText.toText(text) : text;
    }

    /** The parts between "--boundary" lines, up to "--boundary--"; preamble and epilogue dropped. */
    static List<String> splitMultipart(String body, String boundary) {
        String open = "--" + boundary, close = open + "--";
        List<String> parts = new ArrayList<>();
        StringBuilder current = null;
        for (String line : body.split("\n", -1)) {
            String trimmed = line.stripTrailing();
            if (trimmed.equals(close)) break;
            if (trimmed.equals(open)) {
                if (current != null) parts.add(current.toString());
                current = new StringBuilder();
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) parts.add(current.toString()); // a missing close marker is common in spam
        return parts;
    }

    /** A message or MIME part: unfolded headers (first occurrence wins, names lower-cased) and body. */
    record Part(Map<String, String> headers, String body) {
        static Part parse(String text) {
            int split = text.startsWith("\n") ? 0 : text.indexOf("\n\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + (split == 0 ? 1 : 2));
            Map<String, String> headers = new LinkedHashMap<>();
            String name = null;
            StringBuilder value = new StringBuilder();
            for (String line : head.split("\n")) {
                if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                    if (name != null) value.append(' ').append(line.strip()); // folded continuation
                    continue;
                }
                if (name != null) headers.putIfAbsent(name, value.toString());
                Matcher m = HEADER_LINE.matcher(line);
                // lines that are no header (the mbox "From " line) are skipped, with any continuation
                name = m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
                value.setLength(0);
                if (name != null) value.append(m.group(2).strip());
            }
            if (name != null) headers.putIfAbsent(name, value.toString());
            return new Part(headers, body);
        }

        String header(String lowerCaseName) {
            return headers.getOrDefault(lowerCaseName, "");
        }

        /** "text/plain" when the part declares no type, as RFC 2045 says. */
        String mediaType() {
            String ct = header("content-type");
            int semi = ct.indexOf(';');
            String t = (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
            return t.isEmpty() ? "text/plain" : t;
        }

        String contentTypeParam(String lowerCaseName) {
            Matcher m = PARAM.matcher(header("content-type"));
            while (m.find()) {
                if (m.group(1).toLowerCase(Locale.ROOT).equals(lowerCaseName)) return m.group(3) != null ? m.group(3) : m.group(2);
            }
            return null;
        }
    }
}
