package dev.lowrank4j.kernels;

import static dev.lowrank4j.kernels.GemmChecks.assertMatchesReference;

import dev.lowrank4j.kernels.GemmChecks.Case;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The optional native backend; see {@link NativeRequirement} for when a missing library fails or skips. */
class OpenBlasGemmTest {
    @BeforeAll
    static void requireLibrary() {
        NativeRequirement.require(OpenBlasGemm.available(), "libopenblas.so.0");
    }

    @Test
    void matchesReferenceOnAwkwardShapes() {
        OpenBlasGemm gemm = OpenBlasGemm.create();
        int[][] shapes = {{1, 1, 1}, {17, 33, 65}, {3, 4, 0}, {0, 3, 2}, {64, 31, 129}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                assertMatchesReference(gemm, Case.random(t, transA, transB, s[0], s[1], s[2], 1f, 0f));
                assertMatchesReference(gemm, Case.random(t + 9, transA, transB, s[0], s[1], s[2], -0.5f, 1.5f));
                Case nanC = Case.random(t + 5, transA, transB, s[0], s[1], s[2], 2f, 0f);
                assertMatchesReference(gemm, nanC.withC(GemmChecks.nans(nanC.c().length)));
            }
        }
    }
}
