package dev.lowrank4j.bounds;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.linalg.ThinQr;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Freshly drawn square networks of a given width and depth, the quick way to see how each bound
 * depends on width: {@code orthogonal} (Q of the QR of a Gaussian matrix, so every singular value
 * is 1 up to float rounding) or {@code gaussian} (entries N(0, 1/width), the usual
 * variance-preserving initialisation, singular values spread over about [0, 2]).
 */
public final class SyntheticNetworks {
    public static final List<String> KINDS = List.of("orthogonal", "gaussian");

    private SyntheticNetworks() {}

    public static MatrixLayers draw(String kind, int width, int depth, long seed) {
        if (width < 1 || depth < 1) throw new Lowrank4jException("--width and --depth must be >= 1, got " + width + " and " + depth);
        Rng rng = new Rng(seed);
        List<LayerMatrix> layers = new ArrayList<>();
        for (int j = 1; j <= depth; j++) {
            float[] g = new float[width * width];
            double scale = 1 / Math.sqrt(width);
            for (int i = 0; i < g.length; i++) g[i] = (float) (rng.nextGaussian() * scale);
            float[] w = switch (kind) {
                case "orthogonal" -> ThinQr.orthonormalBasis(g, width, width);
                case "gaussian" -> g;
                default -> throw new Lowrank4jException("unknown synthetic network '" + kind + "'; valid: " + String.join(", ", KINDS));
            };
            layers.add(LayerMatrix.dense("layer" + j, width, width, w));
        }
        return new MatrixLayers(kind + " network, width " + width + ", depth " + depth + ", seed " + seed, true, layers);
    }
}
