package dev.lowrank4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a run's {@code metrics.jsonl} back into curves: the training loss and every evaluation metric. */
public final class RunMetrics {
    private RunMetrics() {}

    /** Fields of a step line that are bookkeeping, not curves. */
    private static final List<String> STEP_FIELDS = List.of("step", "loss", "lr", "grad_norm", "step_seconds", "memory_bytes");

    /**
     * @param lr          the learning rate of each logged step
     * @param gradNorm    the gradient norm before clipping of each logged step
     * @param evaluations evaluation metric name (val_loss, accuracy, ...) → (step, value) points, in file order
     */
    public record Curves(List<double[]> trainLoss, List<double[]> lr, List<double[]> gradNorm, Map<String, List<double[]>> evaluations) {
        public List<double[]> evaluation(String name) {
            return evaluations.getOrDefault(name, List.of());
        }

        public List<double[]> valLoss() {
            return evaluation("val_loss");
        }
    }

    public static Curves read(Path metricsFile) {
        List<double[]> train = new ArrayList<>(), lr = new ArrayList<>(), gradNorm = new ArrayList<>();
        Map<String, List<double[]>> evals = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(metricsFile, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode n = Json.MAPPER.readTree(line);
                double step = n.path("step").asDouble();
                if (n.has("loss")) {
                    train.add(new double[] {step, n.get("loss").asDouble()});
                    if (n.has("lr")) lr.add(new double[] {step, n.get("lr").asDouble()});
                    if (n.has("grad_norm")) gradNorm.add(new double[] {step, n.get("grad_norm").asDouble()});
                    continue;
                }
                n.properties().forEach(e -> {
                    if (!STEP_FIELDS.contains(e.getKey()) && e.getValue().isNumber()) {
                        evals.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {step, e.getValue().asDouble()});
                    }
                });
            }
        } catch (IOException e) {
            throw new Lowrank4jException(metricsFile + ": unreadable metrics (" + e.getMessage() + ")");
        }
        return new Curves(train, lr, gradNorm, evals);
    }
}
