package dev.lowrank4j.optim;

import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.linalg.SingularTriplets;
import dev.lowrank4j.linalg.TopSvd;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the GaLore and Fira authors' own code: projector matrices and 5-step AdamW trajectories
 * (refreshes at steps 0, 2, 4) on Gaussian gradients, from scripts/reference/galore_reference.py. The fixture's SVD signs were put in lowrank4j's
 * convention, so vectors are compared entry by entry, not only as subspaces.
 */
class GaLoreReferenceTest {
    /** torch's float32 gesdd against ours (LAPACK float or EJML double); measured up to 6e-6. */
    private static final double PROJECTOR_TOL = 2e-5;
    /** max |W_ours − W_ref| in units of that step's largest change; measured 8e-5 (both exact paths). */
    private static final double TRAJECTORY_TOL = 5e-4;
    private static final String[] SHAPES = {"wide", "tall"};

    private static SafeTensorsFile fixture() throws Exception {
        Path path = Path.of(GaLoreReferenceTest.class.getResource("/galore-reference/galore_reference.safetensors").toURI());
        return SafeTensors.open(path);
    }

    private static List<TopSvd> exactPaths() {
        System.out.println("GaLoreReferenceTest: exact paths checked: " + TopSvd.exactJava().describe()
                + TopSvd.exactNative().map(n -> " and " + n.describe()).orElse(" only (no system LAPACK found)"));
        return TopSvd.exactNative().map(n -> List.of(TopSvd.exactJava(), n)).orElse(List.of(TopSvd.exactJava()));
    }

    @Test
    void projectorMatchesTheAuthorsAfterEveryRefresh() throws Exception {
        try (SafeTensorsFile f = fixture()) {
            int rank = Integer.parseInt(f.metadata().get("rank"));
            for (TopSvd svd : exactPaths()) {
                for (String shape : SHAPES) {
                    for (int step = 0; step < Integer.parseInt(f.metadata().get("steps")); step += 2) {
                        Tensor g = f.readFloat(shape + ".grad." + step);
                        GaLoreProjector p = new GaLoreProjector(shape, g.dim(0), g.dim(1), rank, 2, 0.25, ProjectionType.STD, svd);
                        p.refresh(g.data, 0);
                        float[] ours = p.usesLeft() ? p.left() : p.right();
                        Tensor theirs = f.readFloat(shape + ".projector." + step);
                        assertEquals(theirs.size(), ours.length, shape);
                        double diff = maxAbsDifference(ours, theirs.data);
                        assertTrue(diff < PROJECTOR_TOL, svd.describe() + ", " + shape + " step " + step + ": max diff " + diff);
                    }
                }
            }
        }
    }

    @Test
    void trajectoriesMatchTheAuthorsGaLoreAndFira() throws Exception {
        try (SafeTensorsFile f = fixture()) {
            for (TopSvd svd : exactPaths()) {
                for (String method : new String[] {"galore", "fira"}) {
                    for (String shape : SHAPES) {
                        double error = trajectoryError(f, method, shape, svd);
                        System.out.printf(Locale.ROOT, "GaLoreReferenceTest: %s %s, %s: worst error %.2e of a step%n",
                                method, shape, svd.describe(), error);
                        assertTrue(error < TRAJECTORY_TOL, method + " " + shape + ", " + svd.describe() + ": " + error);
                    }
                }
            }
        }
    }

    /** The check can fail: one flipped basis vector at the second refresh (step 2) moves the trajectory. */
    @Test
    void aFlippedSignAtARefreshLeavesTheReferenceTrajectory() throws Exception {
        try (SafeTensorsFile f = fixture()) {
            for (String shape : SHAPES) {
                AtomicInteger refreshes = new AtomicInteger();
                TopSvd flipsSecond = (a, rows, cols, rank, seed, name) -> {
                    SingularTriplets t = TopSvd.exact().top(a, rows, cols, rank, seed, name);
                    if (refreshes.incrementAndGet() == 2) {
                        for (int i = 0; i < rows; i++) t.u()[i * rank] = -t.u()[i * rank];
                        for (int c = 0; c < cols; c++) t.vt()[c] = -t.vt()[c];
                    }
                    return t;
                };
                double error = trajectoryError(f, "galore", shape, flipsSecond);
                assertTrue(error > 100 * TRAJECTORY_TOL, shape + ": a sign flip moved the trajectory only by " + error);
            }
        }
    }

    /**
     * Runs GaLoreAdamW (plain, or Fira with the code's settings) on the fixture's gradients; the
     * worst max |W − W_ref| over the run, in units of that step's largest change.
     */
    private static double trajectoryError(SafeTensorsFile f, String method, String shape, TopSvd svd) {
        var meta = f.metadata();
        GaLoreOptions options = GaLoreOptions.of(Integer.parseInt(meta.get("rank")))
                .withUpdateGap(Long.parseLong(meta.get("update_gap")))
                .withScale(Double.parseDouble(meta.get("scale")))
                .withWeightDecay(Double.parseDouble(meta.get("weight_decay")))
                .withSvd(svd);
        Tensor w0 = f.readFloat(shape + ".weight.0");
        Parameter w = new Parameter(shape, w0.copy());
        GaLoreAdamW opt = method.equals("fira") ? GaLoreAdamW.fira(List.of(w), List.of(), options, FiraOptions.codeExact())
                : GaLoreAdamW.galore(List.of(w), List.of(), options);
        double lr = Double.parseDouble(meta.get("lr")), worst = 0;
        float[] previous = w0.data;
        for (int step = 0; step < Integer.parseInt(meta.get("steps")); step++) {
            float[] g = f.readFloat(shape + ".grad." + step).data;
            System.arraycopy(g, 0, w.grad().data, 0, g.length);
            opt.step(lr);
            float[] expected = f.readFloat(method + "." + shape + ".weight." + (step + 1)).data;
            double stepSize = maxAbsDifference(expected, previous);
            worst = Math.max(worst, maxAbsDifference(w.data(), expected) / stepSize);
            previous = expected;
        }
        return worst;
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
        return worst;
    }
}
