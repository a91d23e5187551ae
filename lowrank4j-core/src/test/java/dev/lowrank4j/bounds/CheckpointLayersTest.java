package dev.lowrank4j.bounds;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointLayersTest {
    @Test
    void llamaFolderGivesItsProjectionsWithoutEmbeddingsAsANonChain() throws URISyntaxException {
        Path dir = Path.of(CheckpointLayersTest.class.getResource("/hf-tiny-llama/tinyllama").toURI());
        MatrixLayers layers = CheckpointLayers.load(dir);
        assertFalse(layers.feedForwardChain());
        assertTrue(layers.description().startsWith("llama"), layers.description());
        assertTrue(layers.matrices().stream().noneMatch(m -> m.name().contains("embed")));
        assertTrue(layers.matrices().stream().anyMatch(m -> m.name().endsWith("q_proj.weight")));
        BoundReport r = Bounds.compute(layers, null, KoopmanOptions.defaults());
        // no layer of a non-chain is taken into g, and the path norm is not computed
        assertTrue(r.koopman().stream().noneMatch(k -> k.layerCase().equals(KoopmanFactor.IN_G)));
        assertTrue(Double.isNaN(r.total(Bounds.PATH).logComplexity()));
        assertTrue(r.toJson().containsKey("caveat"));
        for (LayerSpectrum w : r.layers()) {
            assertEquals(Math.min(w.rows(), w.cols()), w.singularValues().length);
            assertTrue(w.stableRank() >= 1 - 1e-9 && w.stableRank() <= Math.min(w.rows(), w.cols()) + 1e-9);
        }
    }
}
