package dev.lowrank4j;

/**
 * A problem the user can fix (bad file, bad flag, bad data). The CLI prints its message as one
 * line and exits non-zero, without a stack trace; library callers can catch it by type.
 *
 * <p>Messages often quote values from the user's files, which may hold line breaks or other
 * control characters (found by fuzzing: a config whose "format" held a newline). They are shown
 * escaped ({@code \n}, {@code \r}, {@code \t}, {@code \}{@code u001b}...), so the message stays one
 * line and still says exactly what the file holds.
 */
public class Lowrank4jException extends RuntimeException {
    public Lowrank4jException(String message) {
        super(oneLine(message));
    }

    public Lowrank4jException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    static String oneLine(String message) {
        if (message == null) return null;
        StringBuilder out = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029';
            if (control && out == null) out = new StringBuilder(message.length() + 8).append(message, 0, i);
            if (out == null) continue;
            if (!control) {
                out.append(c);
            } else {
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? message : out.toString();
    }
}
