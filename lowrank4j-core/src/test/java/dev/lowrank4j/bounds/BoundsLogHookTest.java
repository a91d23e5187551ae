package dev.lowrank4j.bounds;

import dev.lowrank4j.models.vision.Mlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundsLogHookTest {
    @Test
    void logsEveryNStepsAndDropsLinesPastAResumedCheckpoint(@TempDir Path run) throws IOException {
        Mlp mlp = new Mlp(1, 2, 2, List.of(4), 2, 1);
        BoundsLogHook hook = new BoundsLogHook(mlp, "mlp", true, 2, KoopmanOptions.defaults(), run);
        for (long step = 1; step <= 5; step++) hook.afterStep(step, null);
        List<String> lines = Files.readAllLines(run.resolve(BoundsLogHook.FILE));
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("{\"step\":2,\"log10_koopman\":"), lines.get(0));
        assertTrue(lines.get(1).contains("\"log10_pacbayes\""), lines.get(1));
        new BoundsLogHook(mlp, "mlp", true, 2, KoopmanOptions.defaults(), run).onResume(3);
        assertEquals(1, Files.readAllLines(run.resolve(BoundsLogHook.FILE)).size());
    }
}
