package dev.lowrank4j.util;

/**
 * Progress of a long phase of work (loading a model, tokenizing a file, evaluating windows,
 * computing spectra) as the core library reports it. The core never prints: the command line
 * renders these calls as a bar with an ETA on a terminal and as periodic log lines otherwise.
 * A phase is {@link #begin begun}, {@link #advance advanced} zero or more times, then {@link #end ended};
 * phases do not nest.
 */
public interface PhaseListener {
    /** Reports nothing: for callers (tests, library users) that do not want progress. */
    PhaseListener SILENT = new PhaseListener() {
        @Override
        public void begin(String label, long total, String unit) {}

        @Override
        public void advance(long done) {}

        @Override
        public void end() {}
    };

    /**
     * @param label what is being done, e.g. "evaluating runs/x"
     * @param total units of work in the phase; 0 when unknown (a phase with no steps, like loading a file)
     * @param unit  what one unit is, e.g. "windows", "layers"
     */
    void begin(String label, long total, String unit);

    /** {@code done} units of the phase's total are finished (not an increment). */
    void advance(long done);

    void end();

    /** The phase stopped with an exception: a display stops its heartbeat and prints no closing line. */
    default void abandon() {}

    /**
     * Runs {@code work} as one phase without steps: a line appears before it starts and one when it
     * ends (not when it throws: the error message is the last word then).
     */
    default <T> T during(String label, java.util.function.Supplier<T> work) {
        begin(label, 0, "");
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            abandon();
            throw e;
        }
        end();
        return result;
    }

    /** {@link #during} for work that returns nothing. */
    default void doing(String label, Runnable work) {
        during(label, () -> {
            work.run();
            return null;
        });
    }
}
