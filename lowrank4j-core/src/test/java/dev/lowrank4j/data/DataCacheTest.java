package dev.lowrank4j.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DataCacheTest {
    @Test
    void cacheRootPrefersPropertyThenVariableThenHome() {
        assertEquals(Path.of("/p"), DataCache.root(k -> "/p", k -> "/e", "/home/u"));
        assertEquals(Path.of("/e"), DataCache.root(k -> null, k -> "/e", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/lowrank4j"), DataCache.root(k -> null, k -> " ", "/home/u"));
    }
}
