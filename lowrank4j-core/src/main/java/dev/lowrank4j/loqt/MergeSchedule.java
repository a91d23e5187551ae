package dev.lowrank4j.loqt;

import dev.lowrank4j.Lowrank4jException;

import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer steps (0-based) at which LoQT merges its adapter into the quantized weight and
 * re-initialises P and B: the authors' {@code get_proj_update_steps} in "exponential" mode,
 * <pre>
 *   steps = [0]; cur = T; k = 0
 *   while cur <= total: steps += cur; k += 1; cur += T + floor(ψ^k)
 * </pre>
 * so T = 100, ψ = 1.2 gives 0, 100, 201, 302, 403, 505, 607, 709, … A ψ below 1 makes every
 * floor(ψ^k) zero: fixed gaps of T (the authors' "static" mode), which the ablation compares.
 * Gradient accumulation needs no scaling here: our steps already count optimizer updates.
 */
public record MergeSchedule(long gap, double increment) {
    public MergeSchedule {
        if (gap <= 0) throw new Lowrank4jException("--update-gap must be > 0, got " + gap);
        if (!(increment >= 0) || !Double.isFinite(increment)) {
            throw new Lowrank4jException("--increment must be a finite number >= 0, got " + increment);
        }
    }

    /** Fixed gaps of T. */
    public static MergeSchedule fixed(long gap) {
        return new MergeSchedule(gap, 0);
    }

    /** Every update step up to and including {@code total}, in order. */
    public List<Long> steps(long total) {
        List<Long> out = new ArrayList<>();
        out.add(0L);
        long cur = gap;
        for (int k = 1; cur <= total; k++) {
            out.add(cur);
            cur = next(cur, k);
        }
        return out;
    }

    /** Whether optimizer step {@code step} (0-based, read before it is applied) is an update step. */
    public boolean isUpdate(long step) {
        if (step == 0) return true;
        long cur = gap;
        for (int k = 1; cur < step; k++) cur = next(cur, k);
        return cur == step;
    }

    private long next(long cur, int k) {
        double extra = Math.floor(Math.pow(increment, k));
        // past ~9e18 the gap no longer fits a step counter: no further update within any run
        if (extra >= Long.MAX_VALUE / 4.0 || cur > Long.MAX_VALUE / 4) return Long.MAX_VALUE;
        return cur + gap + (long) extra;
    }
}
