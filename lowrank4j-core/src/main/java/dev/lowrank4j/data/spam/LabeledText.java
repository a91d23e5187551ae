package dev.lowrank4j.data.spam;

/**
 * One classification example.
 *
 * @param key   a stable identity ({@code group/id} for SpamAssassin) that orders examples independently
 *              of how a file system lists them
 * @param group the source group (e.g. {@code spam-2}), kept for per-group reporting
 * @param label class index (for spam: 1 = spam, 0 = ham)
 * @param text  what the classifier reads
 */
public record LabeledText(String key, String group, int label, String text) {
    public LabeledText {
        if (key == null || group == null || text == null) throw new IllegalArgumentException("key, group and text are required");
        if (label < 0) throw new IllegalArgumentException("label must be >= 0, got " + label);
    }
}
