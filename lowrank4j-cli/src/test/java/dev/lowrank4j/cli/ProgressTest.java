package dev.lowrank4j.cli;

import dev.lowrank4j.train.TrainListener;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training renderer, with the terminal flag injected instead of read from System.console(). */
class ProgressTest {
    @Test
    void aLogGetsALineEveryNStepsWithEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 4, false);
        p.quietStart(10);
        for (int step = 1; step <= 10; step++) p.onStep(stats(step));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, "steps 4, 8 and the last: " + bytes);
        assertTrue(lines[0].startsWith("step 4/10 loss 2.0000") && lines[0].endsWith("elapsed 0m08s eta 0m12s"), lines[0]);
        assertTrue(lines[2].startsWith("step 10/10 "), lines[2]);
    }

    @Test
    void slowStepsGetALineEveryTenSecondsBetweenTheNth() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 100, false);
        p.quietStart(1000);
        for (int step = 1; step <= 12; step++) p.onStep(stats(step)); // 2 s a step
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, bytes.toString());
        assertTrue(lines[0].startsWith("step 5/1000 ") && lines[1].startsWith("step 10/1000 "), bytes.toString());
    }

    @Test
    void aTerminalGetsABarWithEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 4, true);
        p.quietStart(10);
        p.onStep(stats(5));
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\r[" + "#".repeat(15) + " ".repeat(15) + "] 5/10 loss 2.0000"), s);
        assertTrue(s.endsWith("eta 0m10s "), s);
    }

    @Test
    void phasesAfterTheStepsStartOnANewLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 4, true);
        p.quietStart(10);
        p.onStep(stats(10));
        p.phases().begin("exporting the model", 0, "");
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.endsWith("eta 0m00s \nexporting the model ...\n"), s);
    }

    /** Two seconds a step, loss 2. */
    private static TrainListener.StepStats stats(long step) {
        return new TrainListener.StepStats(step, 10, 2.0, 1e-3, 0.5, 100, "tokens", 2.0 * step);
    }
}
