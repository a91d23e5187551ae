package dev.lowrank4j.tasks;

import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.adapters.plora.PeriodicLora;
import dev.lowrank4j.adapters.plora.UpdateRank;
import dev.lowrank4j.optim.Optimizer;
import dev.lowrank4j.train.MetricsLog;
import dev.lowrank4j.train.StepHook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wraps PeriodicLoRA's step hook and, after every stage end, writes one line to
 * {@value #FILE}: the numerical rank ({@link UpdateRank}) of each adapted layer's accumulated
 * update W − W₀ (the unloaded stages; the fresh adapter is zero then), with the min and max over
 * layers and LoRA's bound r for comparison. On resume the lines past the checkpoint are dropped and
 * written again by the redone stages.
 */
public final class PloraRankLog implements StepHook {
    public static final String FILE = "plora_ranks.jsonl";

    private final StepHook inner;
    private final PeriodicLora plora;
    private final Map<String, LoraLinear> layers;
    private final Map<String, float[]> original;
    private final Path file;

    /** @param original W₀ of every adapted layer by module path */
    public PloraRankLog(StepHook inner, PeriodicLora plora, Map<String, LoraLinear> layers, Map<String, float[]> original, Path runDir) {
        this.inner = inner;
        this.plora = plora;
        this.layers = layers;
        this.original = original;
        this.file = runDir.resolve(FILE);
    }

    @Override
    public void afterStep(long step, Optimizer optimizer) {
        inner.afterStep(step, optimizer);
        if (plora.atStageEnd(step)) {
            try (MetricsLog log = new MetricsLog(file)) {
                log.write(record(step));
            }
        }
    }

    @Override
    public void onResume(long step) {
        inner.onResume(step);
        MetricsLog.truncateAfter(file, step);
    }

    Map<String, Object> record(long step) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        int min = Integer.MAX_VALUE, max = 0, r = 0;
        for (Map.Entry<String, LoraLinear> e : layers.entrySet()) {
            LoraLinear l = e.getValue();
            r = l.rank();
            float[] delta = l.base().storage().dequantize().data, w0 = original.get(e.getKey());
            for (int i = 0; i < delta.length; i++) delta[i] -= w0[i];
            int rank = UpdateRank.of(delta, l.outFeatures(), l.inFeatures());
            ranks.put(e.getKey(), rank);
            min = Math.min(min, rank);
            max = Math.max(max, rank);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", step);
        out.put("stages_completed", plora.stagesCompleted());
        out.put("lora_rank", r);
        out.put("min_rank", min);
        out.put("max_rank", max);
        out.put("ranks", ranks);
        return out;
    }

    /**
     * The logged ranks as report curves by stage end: the largest and smallest accumulated rank
     * over layers, and the rank a sum of the completed stages could reach at most (stages × r).
     * Empty when the run is not PeriodicLoRA.
     */
    public static Map<String, List<double[]>> curves(Path runDir) {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) return out;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode n = Json.parseObject(line.getBytes(StandardCharsets.UTF_8), f.toString());
                double step = n.path("step").asDouble();
                out.computeIfAbsent("largest layer rank", k -> new ArrayList<>()).add(new double[] {step, n.path("max_rank").asDouble()});
                out.computeIfAbsent("smallest layer rank", k -> new ArrayList<>()).add(new double[] {step, n.path("min_rank").asDouble()});
                out.computeIfAbsent("stages x r (upper bound)", k -> new ArrayList<>())
                        .add(new double[] {step, n.path("stages_completed").asDouble() * n.path("lora_rank").asDouble()});
            }
        } catch (IOException e) {
            throw new dev.lowrank4j.Lowrank4jException(f + ": unreadable rank log (" + e.getMessage() + ")");
        }
        return out;
    }
}
