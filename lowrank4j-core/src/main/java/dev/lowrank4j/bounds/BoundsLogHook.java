package dev.lowrank4j.bounds;

import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.train.MetricsLog;
import dev.lowrank4j.train.StepHook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logs every bound's log10 complexity (weights only) every {@code every} steps of a training run
 * into {@code bounds.jsonl}, one line per logged step, with the largest condition number and
 * the mean stable rank over the layers. A resumed run drops the lines past its checkpoint first,
 * as the trainer does with metrics.jsonl.
 */
public final class BoundsLogHook implements StepHook {
    public static final String FILE = "bounds.jsonl";

    private final ModuleHost model;
    private final String description;
    private final boolean chain;
    private final int every;
    private final KoopmanOptions koopman;
    private final Path file;
    private MetricsLog log;

    public BoundsLogHook(ModuleHost model, String description, boolean chain, int every, KoopmanOptions koopman, Path runDir) {
        if (every < 1) throw new dev.lowrank4j.Lowrank4jException("--log-bounds must be >= 1, got " + every);
        this.model = model;
        this.description = description;
        this.chain = chain;
        this.every = every;
        this.koopman = koopman;
        this.file = runDir.resolve(FILE);
    }

    @Override
    public void afterStep(long step, Optimizer optimizer) {
        if (step % every != 0) return;
        if (log == null) log = new MetricsLog(file);
        log.write(record(step, Bounds.compute(CheckpointLayers.fromModules(description, model, chain), null, koopman)));
    }

    @Override
    public void onResume(long step) {
        MetricsLog.truncateAfter(file, step);
    }

    /**
     * The logged curves of a run, by key ({@code log10_koopman}, …, {@code max_condition_number}
     * as log10), each a list of [step, value]; non-finite values (a +∞ Koopman factor of a
     * singular layer) are left out. Empty when the run logged no bounds.
     */
    public static Map<String, List<double[]>> curves(Path runDir) {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) return out;
        try {
            for (String line : Files.readAllLines(f)) {
                if (line.isBlank()) continue;
                JsonNode n = Json.parseObject(line.getBytes(java.nio.charset.StandardCharsets.UTF_8), f.toString());
                double step = n.path("step").asDouble();
                n.fields().forEachRemaining(e -> {
                    if (e.getKey().equals("step") || e.getKey().equals("mean_stable_rank_fraction") || !e.getValue().isNumber()) return;
                    double v = e.getValue().asDouble();
                    String key = e.getKey();
                    if (key.equals("max_condition_number")) {
                        key = "log10_max_condition_number";
                        v = Math.log10(v);
                    }
                    if (Double.isFinite(v)) out.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {step, v});
                });
            }
        } catch (IOException e) {
            throw new dev.lowrank4j.Lowrank4jException(f + ": cannot read (" + e.getMessage() + ")");
        }
        return out;
    }

    static Map<String, Object> record(long step, BoundReport r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("step", step);
        r.totals().forEach((name, t) -> o.put("log10_" + name, BoundReport.num(t.logComplexity() / Math.log(10))));
        double maxCond = 0, stable = 0;
        for (LayerSpectrum w : r.layers()) {
            maxCond = Math.max(maxCond, w.conditionNumber());
            stable += w.stableRank() / Math.min(w.rows(), w.cols());
        }
        o.put("max_condition_number", BoundReport.num(maxCond));
        o.put("mean_stable_rank_fraction", stable / r.layers().size());
        return o;
    }
}
