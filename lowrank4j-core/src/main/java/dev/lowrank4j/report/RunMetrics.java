package dev.lowrank4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a run's {@code metrics.jsonl} back into curves (training loss, validation loss). */
public final class RunMetrics {
    private RunMetrics() {}

    public record Curves(List<double[]> trainLoss, List<double[]> valLoss) {}

    public static Curves read(Path metricsFile) {
        List<double[]> train = new ArrayList<>(), val = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(metricsFile, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode n = Json.MAPPER.readTree(line);
                double step = n.path("step").asDouble();
                if (n.has("loss")) train.add(new double[] {step, n.get("loss").asDouble()});
                if (n.has("val_loss")) val.add(new double[] {step, n.get("val_loss").asDouble()});
            }
        } catch (IOException e) {
            throw new Lowrank4jException(metricsFile + ": unreadable metrics (" + e.getMessage() + ")");
        }
        return new Curves(train, val);
    }
}
