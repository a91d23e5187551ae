package dev.lowrank4j.data;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SotuTest {
    @Test
    void theBareNameMeansTheCachedCorpusAndAnyOtherPathIsItself(@TempDir Path tmp) throws Exception {
        String old = System.getProperty(DataCache.PROPERTY);
        try {
            System.setProperty(DataCache.PROPERTY, tmp.toString());
            Path other = tmp.resolve("other.txt");
            assertEquals(other, Sotu.resolve(other));
            Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> Sotu.resolve(Path.of("sotu")));
            assertTrue(e.getMessage().contains("scripts/fetch-data.sh sotu"), e.getMessage());
            Files.createDirectories(tmp.resolve("sotu"));
            Files.writeString(tmp.resolve("sotu/sotu.txt"), "Fellow-Citizens");
            assertEquals(tmp.resolve("sotu/sotu.txt"), Sotu.resolve(Path.of("sotu")));
        } finally {
            if (old == null) System.clearProperty(DataCache.PROPERTY);
            else System.setProperty(DataCache.PROPERTY, old);
        }
    }
}
