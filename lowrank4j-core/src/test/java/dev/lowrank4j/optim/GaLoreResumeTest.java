package dev.lowrank4j.optim;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checkpoint after step 4 of 7 with T = 3 (mid-gap), rebuild, load, continue: bit-identical. */
class GaLoreResumeTest {
    private static final int TOTAL = 7, SAVE_AFTER = 4;
    private static final long GAP = 3;

    @Test
    void galoreResumesBitExactly() {
        check(ps -> GaLoreAdamW.galore(ps.subList(0, 3), ps.subList(3, 4), options()));
    }

    @Test
    void firaResumesBitExactly() {
        check(ps -> GaLoreAdamW.fira(ps.subList(0, 3), ps.subList(3, 4), options(), FiraOptions.codeExact()));
    }

    private static GaLoreOptions options() {
        return GaLoreOptions.of(3).withUpdateGap(GAP).withScale(0.25).withWeightDecay(0.01).withSeed(7);
    }

    private static List<Parameter> model() {
        List<Parameter> ps = new ArrayList<>();
        ps.add(OptimFixtures.param("layers.0.self_attn.q.weight", 1, 8, 8));
        ps.add(OptimFixtures.param("layers.0.mlp.up.weight", 2, 14, 8));
        ps.add(OptimFixtures.param("layers.0.mlp.down.weight", 3, 8, 14));
        ps.add(OptimFixtures.param("norm.weight", 4, 8));
        return ps;
    }

    private static void check(Function<List<Parameter>, GaLoreAdamW> build) {
        List<Parameter> straight = model();
        GaLoreAdamW a = build.apply(straight);
        run(a, straight, 0, TOTAL);

        List<Parameter> first = model();
        GaLoreAdamW b = build.apply(first);
        run(b, first, 0, SAVE_AFTER);
        Map<String, Tensor> saved = copyOf(b.state());

        List<Parameter> resumed = model();
        for (int i = 0; i < resumed.size(); i++) resumed.get(i).set(first.get(i).value());
        GaLoreAdamW c = build.apply(resumed);
        c.loadState(saved, b.steps());
        run(c, resumed, SAVE_AFTER, TOTAL);

        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i).data(), resumed.get(i).data(), 0f, straight.get(i).name());
        }
        Map<String, float[]> sa = GaLoreAdamWTest.snapshot(a.state()), sc = GaLoreAdamWTest.snapshot(c.state());
        assertEquals(sa.keySet(), sc.keySet());
        for (String k : sa.keySet()) assertArrayEquals(sa.get(k), sc.get(k), 0f, k);
        assertEquals(TOTAL, c.steps());
    }

    /** A checkpoint is a copy, as when it goes through a file. */
    private static Map<String, Tensor> copyOf(Map<String, Tensor> state) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    private static void run(GaLoreAdamW opt, List<Parameter> ps, int from, int to) {
        for (int t = from; t < to; t++) {
            OptimFixtures.setGradients(ps, t);
            opt.step(0.01);
        }
    }
}
