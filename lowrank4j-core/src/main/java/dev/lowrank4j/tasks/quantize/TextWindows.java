package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.PhaseListener;

import java.nio.file.Path;

/**
 * A text tokenized by a LLaMA's tokenizer and cut into consecutive non-overlapping windows of
 * {@code seq} tokens (the tail shorter than a window is dropped): what {@code eval} measures
 * perplexity on and {@code bound --data} measures next-token margins on, so both read a text the
 * same way.
 */
public record TextWindows(int[] tokens, int seq, int windows) {
    /**
     * @param seqGiven tokens per window; 0 = min({@link QuantizeJob#DEFAULT_SEQ}, the model's context)
     * @param text     the file {@code raw} was read from, for the messages
     */
    public static TextWindows of(LlamaTarget target, byte[] raw, Path text, int seqGiven, PhaseListener progress) {
        int context = target.model().config().maxPositionEmbeddings();
        int seq = seqGiven > 0 ? seqGiven : Math.min(QuantizeJob.DEFAULT_SEQ, context);
        if (seq < 2 || seq > context) throw new Lowrank4jException("--seq must be between 2 and " + context + ", got " + seq);
        int[] tokens = progress.during("tokenizing " + text, () -> target.tokenize(raw));
        int windows = tokens.length / seq;
        if (windows < 1) throw new Lowrank4jException(text + " has " + tokens.length + " tokens, fewer than one window of --seq " + seq);
        return new TextWindows(tokens, seq, windows);
    }

    /** The ids of {@code count} windows from window {@code first} on, row-major [count·seq]. */
    public int[] ids(int first, int count) {
        int[] ids = new int[count * seq];
        System.arraycopy(tokens, first * seq, ids, 0, ids.length);
        return ids;
    }
}
