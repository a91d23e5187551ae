package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.Lowrank4jException;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration samples as the authors take them (ALGORITHMS §5(e)): the text is tokenized,
 * concatenated and cut into consecutive blocks of {@code seq} tokens, and the FIRST {@code samples}
 * blocks are used, in order, without shuffling. A BERT block is seq − 2 word pieces in [CLS] … [SEP].
 */
public final class CalibrationText {
    private CalibrationText() {}

    public static List<int[]> samples(PtqTarget target, byte[] text, String source, int seq, int samples) {
        return samples(target, text, source, seq, samples, "--calib-samples");
    }

    /** @param flag the option that asked for {@code samples}, named in the errors */
    public static List<int[]> samples(PtqTarget target, byte[] text, String source, int seq, int samples, String flag) {
        if (samples < 1) throw new Lowrank4jException(flag + " must be >= 1, got " + samples);
        String kind = flag.startsWith("--calib") ? "calibration" : "held-out";
        int body = seq - target.specialTokens();
        if (body < 1) throw new Lowrank4jException("--seq " + seq + " leaves no room for tokens");
        int[] tokens = target.tokenize(text);
        if (tokens.length < body) {
            throw new Lowrank4jException(source + " has " + tokens.length + " tokens, shorter than one " + kind + " sample of "
                    + seq + " tokens; give a longer text or a smaller --seq");
        }
        int available = tokens.length / body;
        if (available < samples) {
            throw new Lowrank4jException(source + " holds only " + available + " " + kind + " samples of " + seq
                    + " tokens, " + flag + " asks for " + samples + "; give a longer text or fewer samples");
        }
        List<int[]> out = new ArrayList<>(samples);
        for (int s = 0; s < samples; s++) {
            int[] b = new int[body];
            System.arraycopy(tokens, s * body, b, 0, body);
            out.add(target.wrap(b));
        }
        return out;
    }
}
