package dev.lowrank4j.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The renderer with an injected terminal flag and a hand-driven clock: what is printed when, never how fast. */
class PhaseProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private PhaseProgress progress(boolean tty, long logEvery) {
        return new PhaseProgress(out, tty, logEvery, 10, () -> now);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private void seconds(double s) {
        now += (long) (s * 1e9);
    }

    @Test
    void durationsAndEta() {
        assertEquals("0m00s", ProgressFormat.duration(0.4));
        assertEquals("1m05s", ProgressFormat.duration(65));
        assertEquals("2h03m", ProgressFormat.duration(2 * 3600 + 3 * 60 + 59));
        assertEquals("?", ProgressFormat.eta(5, 0, 10), "no unit done yet: no estimate");
        assertEquals("0m30s", ProgressFormat.eta(10, 1, 4), "3 left at 10 s each");
        assertEquals("0m00s", ProgressFormat.eta(10, 4, 4));
        assertEquals("[" + "#".repeat(15) + " ".repeat(15) + "]", ProgressFormat.bar(5, 10));
        assertEquals("[" + " ".repeat(30) + "]", ProgressFormat.bar(3, 0), "unknown total: empty bar");
    }

    @Test
    void aLogGetsALineEveryNUnitsAndAtTheEnd() {
        PhaseProgress p = progress(false, 3);
        p.begin("evaluating", 7, "windows");
        for (int i = 1; i <= 7; i++) {
            seconds(1);
            p.advance(i);
        }
        p.end();
        assertEquals(List.of("evaluating: 7 windows ...",
                "evaluating: 3/7 windows, elapsed 0m03s, eta 0m04s",
                "evaluating: 6/7 windows, elapsed 0m06s, eta 0m01s",
                "evaluating: 7/7 windows, elapsed 0m07s, eta 0m00s",
                "evaluating: done (0m07s)"), lines());
    }

    @Test
    void withoutNAboutTenLinesPerPhase() {
        PhaseProgress p = progress(false, 0);
        p.begin("x", 1000, "items");
        for (int i = 1; i <= 1000; i++) p.advance(i);
        assertEquals(1 + 10, lines().size(), String.join("\n", lines()));
        assertTrue(lines().get(1).startsWith("x: 100/1,000 items"), lines().get(1));
    }

    @Test
    void aSlowUnitStillGetsAHeartbeatLine() {
        PhaseProgress p = progress(false, 100);
        p.begin("block 1/2", 500, "iterations");
        seconds(4);
        p.advance(1);
        p.tick(); // what the timer thread calls every second
        assertEquals(1, lines().size(), "4 s is under the heartbeat");
        seconds(7);
        p.tick();
        assertEquals("block 1/2: 1/500 iterations, elapsed 0m11s, eta 1h31m, still running", lines().get(1));
        seconds(5);
        p.tick();
        assertEquals(2, lines().size(), "the next heartbeat is 10 s after the last line");
        p.end();
        seconds(20);
        p.tick();
        assertEquals("block 1/2: done (0m16s)", lines().getLast(), "no heartbeat once the phase ended");
    }

    @Test
    void aLongPhaseWithoutUnitsSaysItIsStillRunning() {
        PhaseProgress p = progress(false, 0);
        assertThrows(IllegalStateException.class, () -> p.during("loading a big model", () -> {
            seconds(12);
            p.tick();
            throw new IllegalStateException("disk gone");
        }));
        seconds(30);
        p.tick();
        assertEquals(List.of("loading a big model ...", "loading a big model: still running, elapsed 0m12s"), lines(),
                "no closing line and no heartbeat after the error");
    }

    @Test
    void aPhaseWithoutUnitsPrintsBeforeAndAfter() {
        PhaseProgress p = progress(false, 0);
        String r = p.during("loading minilm", () -> {
            assertEquals(List.of("loading minilm ..."), lines(), "the line comes before the work");
            seconds(2);
            return "model";
        });
        assertEquals("model", r);
        assertEquals("loading minilm: done (0m02s)", lines().get(1));
    }

    @Test
    void aTerminalGetsOneRedrawnBarClosedByANewline() {
        PhaseProgress p = progress(true, 1);
        p.begin("spectra", 4, "layers");
        for (int i = 1; i <= 4; i++) {
            seconds(1);
            p.advance(i);
        }
        p.finish("4 layers");
        String text = bytes.toString(StandardCharsets.UTF_8);
        List<String> lines = List.of(text.split("\n")); // not lines(): it would split at the \r of each redraw
        assertEquals(3, lines.size(), text);
        assertEquals("spectra: 4 layers ...", lines.get(0));
        assertTrue(lines.get(1).startsWith("\rspectra [#######"), lines.get(1));
        assertTrue(lines.get(1).contains("1/4 layers eta 0m03s") && lines.get(1).endsWith("4/4 layers eta 0m00s "), lines.get(1));
        assertEquals("spectra: 4 layers (0m04s)", lines.get(2));
    }

    @Test
    void aTerminalIsNotRedrawnForEveryTinyUnit() {
        PhaseProgress p = progress(true, 1);
        p.begin("x", 1000, "items");
        for (int i = 1; i < 1000; i++) p.advance(i); // the clock stands still
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"), "no redraw within 0.1 s");
        p.advance(1000);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("1,000/1,000 items"), "the last unit is always drawn");
    }
}
