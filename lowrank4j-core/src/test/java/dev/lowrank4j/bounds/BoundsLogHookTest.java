package dev.lowrank4j.bounds;

import dev.lowrank4j.models.vision.Mlp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundsLogHookTest {
    @Test
    void measuresEveryNStepsAndHandsTheTrainerOneRecordForThatStep() {
        Mlp mlp = new Mlp(1, 2, 2, List.of(4), 2, 1);
        BoundsLogHook hook = new BoundsLogHook(mlp, "mlp", true, 2, KoopmanOptions.defaults());
        int logged = 0;
        for (long step = 1; step <= 5; step++) {
            hook.afterStep(step, null);
            Map<String, Object> m = hook.metrics(step);
            if (step % 2 != 0) {
                assertTrue(m.isEmpty(), "step " + step + ": " + m);
                continue;
            }
            logged++;
            assertEquals(List.of("log10_koopman", "log10_frobenius", "log10_path", "log10_golowich", "log10_spectral", "log10_pacbayes",
                    "max_condition_number", BoundsLogHook.MARKER), List.copyOf(m.keySet()));
            m.keySet().forEach(k -> assertTrue(BoundsLogHook.isBoundKey(k), k));
        }
        assertEquals(2, logged);
        assertTrue(!BoundsLogHook.isBoundKey("val_loss") && !BoundsLogHook.isBoundKey("loss"));
    }
}
