package dev.lowrank4j.cli.crash;

import dev.lowrank4j.cli.crash.CrashTrial.KillPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 on real processes (docs/RELIABILITY.md, "Crash tests"): each command runs as its own
 * JVM, is killed inside a checkpoint (or output folder) write, recovered the way a user would
 * (--resume, or the same command again), and must end byte for byte where the uninterrupted run
 * ends. scripts/crash-test.sh runs many random trials of the same harness.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // pretrain first: its reference is the others' base model
class KillAndResumeTest {
    @TempDir
    static Path work;
    private static CrashFixture fx;

    @BeforeAll
    static void fixture() {
        fx = new CrashFixture(work, CrashFixture.digitsFrom(Path.of("..")));
    }

    /** Runs the reference beside the trial (two JVMs of one thread each, on two cores). */
    private static CrashTrial.Outcome trial(CrashCommand c, List<KillPlan> plans) {
        CompletableFuture<Long> reference = CompletableFuture.supplyAsync(() -> CrashTrial.ensureReference(c, fx));
        CrashTrial.Outcome o = CrashTrial.run(c, fx, work.resolve(c.id() + "-trial"), plans);
        reference.join();
        System.out.println(o.line());
        assertTrue(o.ok(), o.line());
        assertTrue(o.kills().getFirst().hit(), "the kill must land in a write: " + o.line());
        return o;
    }

    @Test
    @Order(1)
    void pretrainKilledInACheckpointWriteAndAgainDuringItsResumeEndsBitIdentical() {
        // the second kill, at a fixed time, lands in the resumed run (or after it, which the trial accepts)
        trial(CrashCommand.PRETRAIN, List.of(KillPlan.duringWrite(3, 0), KillPlan.after(1500)));
    }

    @Test
    @Order(2)
    void finetuneKilledInACheckpointWriteResumesBitIdentical() {
        trial(CrashCommand.FINETUNE, List.of(KillPlan.duringWrite(2, CrashTrial.WRITE_PAUSE_MS + 50)));
    }

    @Test
    @Order(3)
    void dlrtKilledInACheckpointWriteResumesBitIdentical() {
        trial(CrashCommand.DLRT, List.of(KillPlan.duringWrite(2, 0)));
    }

    @Test
    @Order(4)
    void quantizeKilledBeforeItsRenameLeavesNoFolderAndARerunSucceeds() {
        CrashTrial.Outcome o = trial(CrashCommand.QUANTIZE, List.of(KillPlan.duringWrite(1, CrashTrial.WRITE_PAUSE_MS + 50)));
        assertTrue(o.kills().getFirst().state().contains("no output folder"), o.line());
    }
}
