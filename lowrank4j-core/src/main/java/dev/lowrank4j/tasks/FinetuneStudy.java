package dev.lowrank4j.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.train.Trainer;
import dev.lowrank4j.util.Json;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A fine-tuning study a reviewer can accept: the learning rate is chosen on the validation split of
 * the first seed only ({@value #SELECT_ON}, lowest wins), then every seed is run with it and each
 * numeric summary value is reported as mean ± sample standard deviation in {@code study.json}.
 * The test metrics of the sweep runs are never looked at for the choice.
 *
 * <p>Layout under the study folder: {@code sweep/lr-<lr>/} (first seed, one run per rate) and
 * {@code seed-<s>/} for the other seeds; the first seed's entry is the chosen sweep run itself, not a
 * rerun. A run whose folder already holds a finished {@code summary.json} (one with the test metrics)
 * is read back instead of retrained, so an interrupted study continues where it stopped.
 */
public final class FinetuneStudy {
    public static final String SELECT_ON = "val_loss";
    public static final String STUDY_FILE = "study.json";

    /** One training run with a given learning rate and seed into {@code dir} (which must end with a summary.json). */
    @FunctionalInterface
    public interface Runner {
        void run(double lr, long seed, Path dir);
    }

    /**
     * @param lrs   candidate learning rates (one = no sweep)
     * @param seeds seeds to report; the first one is used for the sweep
     */
    public record Plan(List<Double> lrs, List<Long> seeds) {
        public Plan {
            if (lrs.isEmpty()) throw new Lowrank4jException("--sweep needs at least one learning rate");
            if (seeds.isEmpty()) throw new Lowrank4jException("--seeds needs at least one seed");
            if (seeds.stream().distinct().count() != seeds.size()) throw new Lowrank4jException("--seeds has a repeated seed: " + seeds);
            if (lrs.stream().distinct().count() != lrs.size()) throw new Lowrank4jException("--sweep has a repeated value: " + lrs);
            for (double lr : lrs) if (!(lr > 0) || !Double.isFinite(lr)) throw new Lowrank4jException("--sweep lr values must be positive, got " + lr);
            lrs = List.copyOf(lrs);
            seeds = List.copyOf(seeds);
        }
    }

    private FinetuneStudy() {}

    /** Parses {@code lr=1e-3,3e-3}: the one sweepable setting. */
    public static List<Double> parseSweep(String spec) {
        String s = spec.strip();
        if (!s.startsWith("lr=")) throw new Lowrank4jException("--sweep supports only lr=A,B,...; got '" + spec + "'");
        List<Double> out = new ArrayList<>();
        for (String part : s.substring(3).split(",")) {
            try {
                out.add(Double.parseDouble(part.strip()));
            } catch (NumberFormatException e) {
                throw new Lowrank4jException("--sweep: '" + part + "' is not a number");
            }
        }
        return out;
    }

    /** Runs (or reads back) every run of the plan and writes {@code study.json}; returns its content. */
    public static Map<String, Object> run(Plan plan, Path studyDir, Runner runner, PrintStream log) {
        long first = plan.seeds().getFirst();
        List<Map<String, Object>> sweep = new ArrayList<>();
        double bestLr = Double.NaN, bestVal = Double.POSITIVE_INFINITY;
        Path bestDir = null;
        for (double lr : plan.lrs()) {
            Path dir = studyDir.resolve("sweep").resolve("lr-" + format(lr));
            ObjectNode s = runOrRead(runner, lr, first, dir, log);
            double val = number(s, SELECT_ON, dir);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("lr", lr);
            row.put(SELECT_ON, val);
            row.put("run", dir.toString());
            sweep.add(row);
            log.printf(Locale.ROOT, "study: lr %s -> %s %.5f%n", format(lr), SELECT_ON, val);
            // a diverged run (NaN) never wins; ties keep the earlier (smaller-listed) rate
            if (val < bestVal) {
                bestVal = val;
                bestLr = lr;
                bestDir = dir;
            }
        }
        if (bestDir == null) throw new Lowrank4jException("no sweep run gave a finite " + SELECT_ON);
        log.printf(Locale.ROOT, "study: chose lr %s on validation (seed %d)%n", format(bestLr), first);

        List<Map<String, Object>> runs = new ArrayList<>();
        List<ObjectNode> summaries = new ArrayList<>();
        for (long seed : plan.seeds()) {
            Path dir = seed == first ? bestDir : studyDir.resolve("seed-" + seed);
            ObjectNode s = runOrRead(runner, bestLr, seed, dir, log);
            summaries.add(s);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("seed", seed);
            row.put("run", dir.toString());
            row.put("metrics", numericValues(s));
            runs.add(row);
        }
        Map<String, Object> study = new LinkedHashMap<>();
        study.put("select_on", SELECT_ON);
        study.put("sweep", sweep);
        study.put("chosen", Map.of("lr", bestLr));
        study.put("seeds", plan.seeds());
        study.put("runs", runs);
        study.put("mean", aggregate(summaries, true));
        study.put("std", aggregate(summaries, false));
        Json.writeAtomically(studyDir.resolve(STUDY_FILE), study);
        return study;
    }

    /**
     * A seed's folder does not name its rate, so a study rerun with a wider sweep that chose another
     * rate must not quietly average runs trained at the old one.
     */
    private static void requireSameLr(Path dir, double lr) {
        Path config = dir.resolve(RunFolder.CONFIG_FILE);
        if (!Files.isRegularFile(config)) return;
        ObjectNode c = Json.readObjectFile(config);
        JsonNode had = c.has("lr") ? c.get("lr") : c.path("train").get("lr"); // MiniLM's run_config vs the causal LM's
        if (had != null && had.isNumber() && Math.abs(had.asDouble() - lr) > 1e-12 * Math.max(1, Math.abs(lr))) {
            throw new Lowrank4jException(dir + " finished with lr " + format(had.asDouble()) + " but the study now chooses lr " + format(lr)
                    + " (the sweep's choice changed); move that folder away and rerun to train it again");
        }
    }

    /** Written last, after the test evaluation: the trainer's own summary.json comes before it. */
    static final String FINISHED_KEY = "test_loss";

    private static ObjectNode runOrRead(Runner runner, double lr, long seed, Path dir, PrintStream log) {
        Path summary = dir.resolve(Trainer.SUMMARY_FILE);
        if (Files.isRegularFile(summary) && Json.readObjectFile(summary).has(FINISHED_KEY)) {
            requireSameLr(dir, lr);
            log.println("study: reusing finished run " + dir);
        } else {
            log.printf(Locale.ROOT, "study: run lr %s seed %d -> %s%n", format(lr), seed, dir);
            runner.run(lr, seed, dir);
        }
        return Json.readObjectFile(summary);
    }

    private static double number(ObjectNode s, String key, Path dir) {
        JsonNode n = s.get(key);
        if (n == null || !n.isNumber()) throw new Lowrank4jException(dir + ": summary.json has no numeric " + key);
        return n.asDouble();
    }

    /** Top-level numbers, plus memory_bytes.<category> (the memory table beside each method). */
    static Map<String, Double> numericValues(ObjectNode s) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNumber()) out.put(e.getKey(), e.getValue().asDouble());
            else if (e.getValue().isObject() && e.getKey().equals("memory_bytes")) {
                e.getValue().fields().forEachRemaining(m -> {
                    if (m.getValue().isNumber()) out.put("memory_bytes." + m.getKey(), m.getValue().asDouble());
                });
            }
        }
        return out;
    }

    /** Mean, or sample standard deviation (n − 1; 0 for a single run), of every value all runs share. */
    static Map<String, Double> aggregate(List<ObjectNode> summaries, boolean mean) {
        List<Map<String, Double>> all = summaries.stream().map(FinetuneStudy::numericValues).toList();
        Map<String, Double> out = new LinkedHashMap<>();
        for (String key : all.getFirst().keySet()) {
            if (!all.stream().allMatch(m -> m.containsKey(key))) continue;
            double[] v = all.stream().mapToDouble(m -> m.get(key)).toArray();
            double mu = 0;
            for (double x : v) mu += x;
            mu /= v.length;
            double ss = 0;
            for (double x : v) ss += (x - mu) * (x - mu);
            out.put(key, mean ? mu : v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0.0);
        }
        return out;
    }

    /** "0.001" style, stable in folder names. */
    static String format(double lr) {
        return java.math.BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString();
    }
}
