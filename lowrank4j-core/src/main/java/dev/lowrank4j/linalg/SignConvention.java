package dev.lowrank4j.linalg;

/**
 * The sign every {@link TopSvd} gives its singular vectors: in each left singular vector (column
 * of U) the entry of largest magnitude is positive; on an exact tie of magnitudes the one with
 * the lowest row index decides. The matching right vector (row of Vᵀ) is flipped with it, so
 * U·diag(s)·Vᵀ is unchanged. Needed because GaLore's Adam moments, carried across a projector
 * refresh, are not invariant to the basis signs: without one convention the trajectory would
 * depend on which decomposition (LAPACK, EJML, randomized) ran.
 */
final class SignConvention {
    private SignConvention() {}

    /** Flips, in place, the pairs (column j of u: rows×rank, row j of vt: rank×cols) that break the convention. */
    static void apply(float[] u, int rows, int rank, float[] vt, int cols) {
        for (int j = 0; j < rank; j++) {
            int largest = 0;
            float largestMagnitude = -1;
            for (int i = 0; i < rows; i++) {
                float magnitude = Math.abs(u[i * rank + j]);
                if (magnitude > largestMagnitude) { // strict: the lowest index wins a tie
                    largestMagnitude = magnitude;
                    largest = i;
                }
            }
            if (u[largest * rank + j] < 0) {
                for (int i = 0; i < rows; i++) u[i * rank + j] = -u[i * rank + j];
                for (int c = 0; c < cols; c++) vt[j * cols + c] = -vt[j * cols + c];
            }
        }
    }
}
