package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.linalg.TestMatrices;
import dev.lowrank4j.linalg.TopSvd;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaLoreProjectorTest {
    private static final double ORTHONORMAL_TOL = 2e-5;

    private static GaLoreProjector projector(int rows, int cols, int rank, long gap, ProjectionType type) {
        return new GaLoreProjector("w", rows, cols, rank, gap, 1.0, type, TopSvd.exact());
    }

    @Test
    void sideFollowsTheReferenceRowsAtLeastColsRule() {
        assertEquals(ProjectionSide.RIGHT, ProjectionType.STD.sideFor(12, 5));
        assertEquals(ProjectionSide.RIGHT, ProjectionType.STD.sideFor(6, 6), "square counts as rows >= cols");
        assertEquals(ProjectionSide.LEFT, ProjectionType.STD.sideFor(5, 12));
        assertEquals(ProjectionSide.LEFT, ProjectionType.REVERSE_STD.sideFor(12, 5));
        assertEquals(ProjectionSide.RIGHT, ProjectionType.REVERSE_STD.sideFor(5, 12));
        assertEquals(ProjectionSide.LEFT, ProjectionType.LEFT.sideFor(12, 5));
        assertEquals(ProjectionSide.RIGHT, ProjectionType.RIGHT.sideFor(5, 12));
        assertEquals(ProjectionSide.BOTH, ProjectionType.FULL.sideFor(5, 12));
    }

    @Test
    void projectedShapesAndOrthonormalBases() {
        int rows = 12, cols = 7, r = 3;
        float[] g = TestMatrices.gaussian(rows, cols, 1);
        int[][] expected = {{rows, r}, {r, cols}, {r, cols}, {rows, r}, {r, r}};
        ProjectionType[] types = {ProjectionType.STD, ProjectionType.REVERSE_STD, ProjectionType.LEFT,
                ProjectionType.RIGHT, ProjectionType.FULL};
        for (int t = 0; t < types.length; t++) {
            GaLoreProjector p = projector(rows, cols, r, 10, types[t]);
            float[] low = p.project(g, 0, 0);
            assertArrayEquals(expected[t], p.projectedShape(), types[t].key);
            assertEquals(expected[t][0] * expected[t][1], low.length);
            if (p.usesLeft()) assertTrue(TestMatrices.orthonormalityError(p.left(), rows, r) < ORTHONORMAL_TOL, "PᵀP = I");
            if (p.usesRight()) {
                assertTrue(TestMatrices.orthonormalityError(TestMatrices.transpose(p.right(), r, cols), cols, r) < ORTHONORMAL_TOL,
                        "Q Qᵀ = I");
            }
            assertEquals(p.usesLeft(), p.left() != null);
            assertEquals(p.usesRight(), p.right() != null);
        }
    }

    @Test
    void refreshesOnlyAtMultiplesOfTheGap() {
        GaLoreProjector p = projector(5, 9, 2, 3, ProjectionType.STD);
        float[] previous = null;
        for (int iter = 0; iter < 8; iter++) {
            p.project(TestMatrices.gaussian(5, 9, 100 + iter), iter, 0);
            if (previous != null) {
                if (iter % 3 == 0) assertNotSame(previous, p.left(), "refresh at " + iter);
                else assertSame(previous, p.left(), "no refresh at " + iter);
            }
            previous = p.left();
        }
    }

    @Test
    void projectBackAppliesTheScale() {
        int rows = 4, cols = 9, r = 4; // full rank on the left side: P·Pᵀ = I
        GaLoreProjector p = new GaLoreProjector("w", rows, cols, r, 10, 0.25, ProjectionType.STD, TopSvd.exact());
        float[] g = TestMatrices.gaussian(rows, cols, 2);
        float[] back = new float[rows * cols];
        p.projectBack(p.project(g, 0, 0), back);
        for (int i = 0; i < g.length; i++) assertEquals(0.25 * g[i], back[i], 1e-5);
    }

    @Test
    void rejectsBadRankGapAndTypeWithUsefulMessages() {
        var tooBig = assertThrows(Lowrank4jException.class,
                () -> new GaLoreProjector("model.layers.0.mlp.up_proj.weight", 8, 4, 5, 10, 1, ProjectionType.STD, TopSvd.exact()));
        assertTrue(tooBig.getMessage().contains("model.layers.0.mlp.up_proj.weight"), tooBig.getMessage());
        assertThrows(Lowrank4jException.class, () -> projector(8, 4, 0, 10, ProjectionType.STD));
        assertThrows(Lowrank4jException.class, () -> projector(8, 4, 2, 0, ProjectionType.STD));
        var type = assertThrows(Lowrank4jException.class, () -> ProjectionType.parse("diagonal"));
        assertTrue(type.getMessage().contains("std, reverse_std, left, right, full"), type.getMessage());
        assertEquals(ProjectionType.REVERSE_STD, ProjectionType.parse("reverse_std"));
    }
}
