package dev.lowrank4j.data.spam;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few MIME decodings a mail classifier needs: Content-Transfer-Encoding (quoted-printable,
 * base64) and RFC 2047 encoded words in headers. Lenient on purpose: spam is full of malformed
 * MIME, and a bad escape should cost a few characters, not the message.
 *
 * <p>The corpus stores each message as a Java/JSON string, not bytes. Characters up to U+00FF are
 * taken as the bytes they stand for, so "=E9" and a literal 'é' both come out right for Latin-1
 * mail; anything beyond U+00FF is passed through as UTF-8.
 */
final class MimeDecoding {
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([QqBb])\\?([^?]*)\\?=");
    /** RFC 2047: whitespace between two adjacent encoded words is not part of the text. */
    private static final Pattern BETWEEN_ENCODED_WORDS = Pattern.compile("(\\?=)\\s+(=\\?)");

    private MimeDecoding() {}

    /** Decodes a body by its Content-Transfer-Encoding (7bit, 8bit, binary and unknown pass through). */
    static String decodeBody(String body, String transferEncoding, Charset charset) {
        String te = transferEncoding == null ? "" : transferEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (te) {
            case "quoted-printable" -> new String(quotedPrintable(body, false), charset);
            case "base64" -> new String(base64(body), charset);
            default -> body;
        };
    }

    /** The charset a Content-Type names, or ISO-8859-1 when it names none or one Java does not know. */
    static Charset charset(String name) {
        if (name == null || name.isBlank()) return StandardCharsets.ISO_8859_1;
        try {
            return Charset.forName(name.trim());
        } catch (IllegalArgumentException unknownOrIllegal) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    /**
     * Quoted-printable to bytes: "=XX" is a byte, "=" at a line end is a soft break, anything else
     * stays. In headers ({@code underscoreIsSpace}) '_' means a space (RFC 2047 "Q").
     */
    static byte[] quotedPrintable(String s, boolean underscoreIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '=') {
                if (i + 2 < n && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                    out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                    i += 2;
                    continue;
                }
                int j = i + 1; // soft line break: '=' then optional spaces, then the line end
                while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) j++;
                if (j < n && s.charAt(j) == '\r') j++;
                if (j < n && s.charAt(j) == '\n') {
                    i = j;
                    continue;
                }
                out.write('=');
            } else if (c == '_' && underscoreIsSpace) {
                out.write(' ');
            } else if (c <= 0xFF) {
                out.write(c);
            } else { // beyond Latin-1 the string already holds text, not bytes: keep it as UTF-8
                int cp = s.codePointAt(i);
                out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toByteArray();
    }

    /** Base64 that ignores line breaks and stray characters; an undecodable body becomes empty. */
    static byte[] base64(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9+/=]", "");
        int cut = clean.indexOf('=');
        if (cut >= 0) clean = clean.substring(0, cut); // padding (and anything after it) carries no data
        switch (clean.length() % 4) {
            case 1 -> clean = clean.substring(0, clean.length() - 1); // a lone 6-bit group holds no whole byte
            case 2 -> clean += "==";
            case 3 -> clean += "=";
            default -> { }
        }
        try {
            return Base64.getDecoder().decode(clean);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /** Replaces RFC 2047 encoded words ({@code =?charset?Q?...?=}) in a header value by their text. */
    static String decodeHeader(String value) {
        if (value == null) return "";
        String joined = BETWEEN_ENCODED_WORDS.matcher(value).replaceAll("$1$2");
        Matcher m = ENCODED_WORD.matcher(joined);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Charset cs = charset(m.group(1));
            byte[] bytes = m.group(2).equalsIgnoreCase("Q") ? quotedPrintable(m.group(3), true) : base64(m.group(3));
            m.appendReplacement(sb, Matcher.quoteReplacement(new String(bytes, cs)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
