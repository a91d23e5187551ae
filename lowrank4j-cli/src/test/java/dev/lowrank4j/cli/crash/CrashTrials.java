package dev.lowrank4j.cli.crash;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What scripts/crash-test.sh runs for each trial: {@code CrashTrials COMMAND SEED WORK_DIR
 * REPO_ROOT} draws one to three kills from the seed (half of them inside a folder write, half at a
 * uniform time over the reference run's duration), runs the trial in WORK_DIR/COMMAND-SEED and
 * prints one outcome line; exit code 0 when the recovered run equals the uninterrupted one.
 */
public final class CrashTrials {
    private CrashTrials() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: CrashTrials pretrain|finetune|dlrt|quantize SEED WORK_DIR REPO_ROOT");
            System.exit(2);
        }
        CrashCommand c = CrashCommand.valueOf(args[0].toUpperCase(Locale.ROOT));
        long seed = Long.parseLong(args[1]);
        CrashFixture fx = new CrashFixture(Path.of(args[2]).toAbsolutePath(), CrashFixture.digitsFrom(Path.of(args[3])));
        long referenceMs = CrashTrial.ensureReference(c, fx);
        Path out = fx.work().resolve(c.id() + "-" + seed);
        CrashTrial.deleteTree(out);
        CrashTrial.Outcome o = CrashTrial.run(c, fx, out, plans(c, new Random(seed), referenceMs));
        System.out.println(o.line());
        if (o.ok()) { // keep failed trials, with their logs, for a look
            CrashTrial.deleteTree(out);
            try (var logs = java.nio.file.Files.list(fx.work())) {
                for (Path f : logs.filter(f -> f.getFileName().toString().startsWith(out.getFileName() + "-run")).toList()) {
                    java.nio.file.Files.delete(f);
                }
            }
        }
        System.exit(o.ok() ? 0 : 1);
    }

    static List<CrashTrial.KillPlan> plans(CrashCommand c, Random rnd, long referenceMs) {
        List<CrashTrial.KillPlan> plans = new ArrayList<>();
        int kills = 1 + rnd.nextInt(3);
        for (int i = 0; i < kills; i++) {
            plans.add(rnd.nextBoolean()
                    ? CrashTrial.KillPlan.duringWrite(1 + rnd.nextInt(c.folderWrites()), rnd.nextLong(2 * CrashTrial.WRITE_PAUSE_MS + 50))
                    : CrashTrial.KillPlan.after(rnd.nextLong(Math.max(1, referenceMs * 6 / 5))));
        }
        return plans;
    }
}
