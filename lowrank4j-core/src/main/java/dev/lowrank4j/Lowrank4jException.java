package dev.lowrank4j;

/**
 * A problem the user can fix (bad file, bad flag, bad data). The CLI prints its message as one
 * line and exits non-zero, without a stack trace; library callers can catch it by type.
 */
public class Lowrank4jException extends RuntimeException {
    public Lowrank4jException(String message) {
        super(message);
    }

    public Lowrank4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
