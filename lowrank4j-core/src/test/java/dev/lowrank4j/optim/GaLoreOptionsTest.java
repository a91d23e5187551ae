package dev.lowrank4j.optim;

import dev.lowrank4j.linalg.TopSvd;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GaLoreOptionsTest {
    @Test
    void defaultSvdIsTheExactOneAndRandomizedIsAChoice() {
        assertEquals(TopSvd.exact().describe(), GaLoreOptions.of(8).svd().describe());
        assertEquals(TopSvd.randomized().describe(), GaLoreOptions.of(8).withSvd(TopSvd.byName("randomized")).svd().describe());
    }
}
