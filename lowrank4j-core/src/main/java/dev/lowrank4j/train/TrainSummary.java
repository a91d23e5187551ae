package dev.lowrank4j.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a finished run reports; {@link #toJson()} is its {@code summary.json}.
 *
 * @param trainLoss       mean of the last {@link TrainerState#RECENT} step losses
 * @param metrics         the final evaluation, under the model's own names (val_loss, accuracy, ...)
 * @param unit            what throughput counts: "tokens" or "examples"
 * @param memory          bytes by category; activations are those of the largest step
 * @param finalCheckpoint the last checkpoint folder (what --resume continues from)
 */
public record TrainSummary(long steps, double trainLoss, Metrics metrics, String unit, double unitsPerSecond,
                           double trainSeconds, long unitsSeen, long trainableParameters, long totalParameters,
                           MemoryLedger memory, Path finalCheckpoint) {
    public double metric(String name) {
        return metrics.get(name);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("train_loss", trainLoss);
        m.putAll(metrics.values());
        m.put(unit + "_per_second", unitsPerSecond);
        m.put("train_seconds", trainSeconds);
        m.put(unit + "_seen", unitsSeen);
        m.put("trainable_parameters", trainableParameters);
        m.put("total_parameters", totalParameters);
        m.put("memory_bytes", memory.asMap());
        m.put("final_checkpoint", finalCheckpoint.toString());
        return m;
    }
}
