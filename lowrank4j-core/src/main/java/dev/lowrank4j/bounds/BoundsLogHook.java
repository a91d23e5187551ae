package dev.lowrank4j.bounds;

import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.train.StepHook;
import dev.lowrank4j.train.Trainer;

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
 * into the run's metrics.jsonl, one record per logged step ({@code log10_koopman}, …,
 * {@code log10_pacbayes}), with the largest condition number and the mean stable rank over the
 * layers. Being trainer metrics, a resumed run drops the records past its checkpoint with the rest.
 */
public final class BoundsLogHook implements StepHook {
    /** The key every logged record has; {@link #curves} picks the bound records out of metrics.jsonl by it. */
    public static final String MARKER = "mean_stable_rank_fraction";

    private final ModuleHost model;
    private final String description;
    private final boolean chain;
    private final int every;
    private final KoopmanOptions koopman;
    private long measuredStep = -1;
    private Map<String, Object> measured = Map.of();

    public BoundsLogHook(ModuleHost model, String description, boolean chain, int every, KoopmanOptions koopman) {
        if (every < 1) throw new dev.lowrank4j.Lowrank4jException("--log-bounds must be >= 1, got " + every);
        this.model = model;
        this.description = description;
        this.chain = chain;
        this.every = every;
        this.koopman = koopman;
    }

    @Override
    public void afterStep(long step, Optimizer optimizer) {
        if (step % every != 0) return;
        measured = record(Bounds.compute(CheckpointLayers.fromModules(description, model, chain), null, koopman));
        measuredStep = step;
    }

    @Override
    public Map<String, Object> metrics(long step) {
        return step == measuredStep ? measured : Map.of();
    }

    /** True for the keys of a logged bound record, which a report charts apart from the evaluation metrics. */
    public static boolean isBoundKey(String key) {
        return key.startsWith("log10_") || key.equals("max_condition_number") || key.equals(MARKER);
    }

    /**
     * The logged curves of a run, by key ({@code log10_koopman}, …, {@code max_condition_number}
     * as log10), each a list of [step, value]; non-finite values (a +∞ Koopman factor of a
     * singular layer) are left out. Empty when the run logged no bounds.
     */
    public static Map<String, List<double[]>> curves(Path runDir) {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        Path f = runDir.resolve(Trainer.METRICS_FILE);
        if (!Files.isRegularFile(f)) return out;
        try {
            for (String line : Files.readAllLines(f)) {
                if (line.isBlank()) continue;
                JsonNode n = Json.parseObject(line.getBytes(java.nio.charset.StandardCharsets.UTF_8), f.toString());
                if (!n.has(MARKER)) continue; // a training or evaluation record
                double step = n.path("step").asDouble();
                n.fields().forEachRemaining(e -> {
                    if (e.getKey().equals("step") || e.getKey().equals(MARKER)) return;
                    // ±∞ (a singular layer's Koopman factor) is written as a string, NaN as null: neither is charted
                    double v = e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN;
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

    static Map<String, Object> record(BoundReport r) {
        Map<String, Object> o = new LinkedHashMap<>();
        r.totals().forEach((name, t) -> o.put("log10_" + name, BoundReport.num(t.logComplexity() / Math.log(10))));
        double maxCond = 0, stable = 0;
        for (LayerSpectrum w : r.layers()) {
            maxCond = Math.max(maxCond, w.conditionNumber());
            stable += w.stableRank() / Math.min(w.rows(), w.cols());
        }
        o.put("max_condition_number", BoundReport.num(maxCond));
        o.put(MARKER, stable / r.layers().size());
        return o;
    }
}
