package dev.lowrank4j.data.spam;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Crude HTML-to-text for mail bodies: drops comments, scripts and style sheets, replaces every tag
 * by a space and decodes the handful of entities that carry text. Not an HTML parser: a classifier
 * needs the words, not the layout, and spam's broken markup would trip a strict parser anyway.
 */
final class HtmlText {
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern SCRIPT_OR_STYLE = Pattern.compile(
            "<(script|style)\\b[^>]*>.*?</\\1\\s*>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    /** A tag starts with a letter, '/' or '!' so that "a < b" in running text survives. */
    private static final Pattern TAG = Pattern.compile("<[A-Za-z/!][^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,6});");

    private HtmlText() {}

    static String toText(String html) {
        String s = COMMENT.matcher(html).replaceAll(" ");
        s = SCRIPT_OR_STYLE.matcher(s).replaceAll(" ");
        s = TAG.matcher(s).replaceAll(" ");
        return decodeEntities(s);
    }

    static String decodeEntities(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(entity(m.group(1), m.group())));
        m.appendTail(sb);
        return sb.toString();
    }

    /** The text of one entity; unknown names are kept verbatim. */
    private static String entity(String body, String whole) {
        if (body.startsWith("#")) {
            boolean hex = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
            int cp = Integer.parseInt(body.substring(hex ? 2 : 1), hex ? 16 : 10);
            return Character.isValidCodePoint(cp) && cp != 0 ? Character.toString(cp) : " ";
        }
        return switch (body.toLowerCase(java.util.Locale.ROOT)) {
            case "nbsp" -> " ";
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            default -> whole;
        };
    }
}
