package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Exchanger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two data-parallel replicas that average R = PᵀG (and the full G only at projector refreshes)
 * stay bit-identical to each other and follow one optimizer fed the averaged full gradient.
 */
class GaLoreLowRankReducerTest {
    private static final int STEPS = 7;
    private static final long GAP = 3;

    private static GaLoreOptions options() {
        return GaLoreOptions.of(2).withUpdateGap(GAP).withScale(0.25).withSeed(5);
    }

    private record Replica(List<Parameter> projected, List<Parameter> regular, GaLoreAdamW opt) {
        static Replica create() {
            List<Parameter> pr = List.of(OptimFixtures.param("w1", 1, 6, 9), OptimFixtures.param("w2", 2, 8, 5));
            List<Parameter> rg = List.of(OptimFixtures.param("b", 3, 7));
            return new Replica(pr, rg, GaLoreAdamW.galore(pr, rg, options()));
        }

        List<Parameter> all() {
            List<Parameter> a = new ArrayList<>(projected);
            a.addAll(regular);
            return a;
        }
    }

    /** Replica {@code r}'s gradient at {@code step}: different data on each replica. */
    private static void localGradients(List<Parameter> ps, int r, long step) {
        for (Parameter p : ps) {
            Rng rng = new Rng(p.name().hashCode() * 131L + step * 7 + r * 1_000_003L);
            float[] g = p.grad().data;
            for (int i = 0; i < g.length; i++) g[i] = (float) rng.nextGaussian();
        }
    }

    /** (mine + theirs)·½: commutative in floating point, so both replicas get the same bits. */
    private static void mean(Exchanger<float[][]> ex, List<float[]> arrays) {
        float[][] mine = arrays.stream().map(float[]::clone).toArray(float[][]::new);
        try {
            float[][] theirs = ex.exchange(mine);
            for (int i = 0; i < mine.length; i++) {
                float[] a = arrays.get(i);
                for (int j = 0; j < a.length; j++) a[j] = (mine[i][j] + theirs[i][j]) * 0.5f;
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void replicasAveragingProjectedGradientsMatchOneProcessOnTheMeanGradient() throws Exception {
        Replica a = Replica.create(), b = Replica.create(), ref = Replica.create();
        Exchanger<float[][]> full = new Exchanger<>(), low = new Exchanger<>();
        List<List<Integer>> reducedSizes = new ArrayList<>();
        List<Integer> fullyExchangedProjected = new ArrayList<>();
        b.opt().lowRankReducer(arrays -> mean(low, arrays));
        a.opt().lowRankReducer(arrays -> {
            reducedSizes.add(arrays.stream().map(f -> f.length).toList());
            mean(low, arrays);
        });
        // one thread per replica of its own: a shared pool with fewer threads would deadlock the exchange
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        for (long step = 0; step < STEPS; step++) {
            final long s = step;
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                Replica x = r == 0 ? a : b;
                int rank = r;
                runs.add(CompletableFuture.runAsync(() -> {
                    localGradients(x.all(), rank, s);
                    List<Parameter> skip = x.opt().reducedInProjection();
                    List<float[]> exchanged = x.all().stream().filter(p -> !skip.contains(p)).map(p -> p.grad().data).toList();
                    if (rank == 0) fullyExchangedProjected.add((int) x.projected().stream().filter(p -> !skip.contains(p)).count());
                    mean(full, exchanged);
                    x.opt().step(1e-2);
                }, threads));
            }
            for (var f : runs) f.get();
            // one process: the mean of the two replicas' full gradients
            List<Parameter> refAll = ref.all();
            localGradients(refAll, 0, s);
            List<float[]> g0 = refAll.stream().map(p -> p.grad().data.clone()).toList();
            localGradients(refAll, 1, s);
            for (int i = 0; i < refAll.size(); i++) {
                float[] g = refAll.get(i).grad().data;
                for (int j = 0; j < g.length; j++) g[j] = (g0.get(i)[j] + g[j]) * 0.5f;
            }
            ref.opt().step(1e-2);
        }
        threads.shutdown();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a.all().get(i).data(), b.all().get(i).data(), 0f, "replicas must stay bit-identical");
            float[] w = a.all().get(i).data(), wr = ref.all().get(i).data();
            for (int j = 0; j < w.length; j++) assertEquals(wr[j], w[j], 1e-5, "weight " + i + "[" + j + "]");
        }
        // refresh steps (0, 3, 6) exchange both projected matrices in full and reduce none in projection
        assertEquals(List.of(2, 0, 0, 2, 0, 0, 2), fullyExchangedProjected);
        List<Integer> sizes = List.of(2 * 9, 2 * 8); // w1 is 6×9, w2 8×5, rank 2
        assertEquals(List.of(List.of(), sizes, sizes, List.of(), sizes, sizes, List.of()), reducedSizes,
                "R has r·max(m, n) values per matrix");
    }

    @Test
    void withoutAReducerNothingIsSkippedAndFiraRefusesOne() {
        Replica a = Replica.create();
        localGradients(a.all(), 0, 0);
        a.opt().step(1e-2);
        assertTrue(a.opt().reducedInProjection().isEmpty());
        GaLoreAdamW fira = GaLoreAdamW.fira(List.of(OptimFixtures.param("w", 1, 6, 9)), List.of(), options(), FiraOptions.codeExact());
        assertThrows(Lowrank4jException.class, () -> fira.lowRankReducer(List::size));
    }
}
