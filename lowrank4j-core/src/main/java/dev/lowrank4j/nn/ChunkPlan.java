package dev.lowrank4j.nn;

import dev.lowrank4j.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a list of parameters into fixed ranges of at most {@link #CHUNK} elements, so element-wise
 * optimizer work spreads over the thread pool. The cut depends only on the shapes, never on the
 * thread count, so results are identical however many threads run them.
 */
public final class ChunkPlan {
    public static final int CHUNK = 1 << 15;

    public final int[] param, from, to;

    public ChunkPlan(List<Parameter> params) {
        List<int[]> c = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            int n = params.get(i).numel();
            for (int s = 0; s < n; s += CHUNK) c.add(new int[] {i, s, Math.min(n, s + CHUNK)});
        }
        param = new int[c.size()];
        from = new int[c.size()];
        to = new int[c.size()];
        for (int k = 0; k < c.size(); k++) {
            param[k] = c.get(k)[0];
            from[k] = c.get(k)[1];
            to[k] = c.get(k)[2];
        }
    }

    public int size() {
        return param.length;
    }
}
