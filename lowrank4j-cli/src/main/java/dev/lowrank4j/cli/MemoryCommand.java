package dev.lowrank4j.cli;

import dev.lowrank4j.loqt.LoqtMemory;
import dev.lowrank4j.optim.LlamaPaperConfig;
import dev.lowrank4j.optim.MemoryEstimate;
import dev.lowrank4j.optim.MemoryMethod;
import dev.lowrank4j.optim.OptimizerMemory;
import dev.lowrank4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "memory", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Memory ledger of a paper-scale LLaMA (weights, gradients, optimizer states) without training it.",
        footer = {"", "Examples:",
                "  lowrank4j memory --config 60m --method galore --rank 128",
                "  lowrank4j memory --config 7b --method fira --rank 64 --json",
                "  lowrank4j memory --config 7b --method loqt --rank 1024 --json   # NF4 weights in their own entry",
                "", "Configs are the GaLore/Fira/LoQT LLaMA configs (vocab 32000, untied head). Embeddings, norms and",
                "lm_head always count as plain Adam. Sizes are decimal GB (the papers' unit), bf16 and fp32."})
final class MemoryCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "One of 9m, 20m, 35m, 60m, 130m, 350m, 1b, 7b.")
    String config;
    @Option(names = "--method", defaultValue = "full", description = "full, lora, galore, fira or loqt (default: ${DEFAULT-VALUE}).")
    String method;
    @Option(names = "--rank", description = "Rank for lora/galore/fira (default: the papers' rank for the config).")
    Integer rank;
    @Option(names = "--json", description = "Print one JSON object with byte counts per category.")
    boolean json;
    @Option(names = "--quantize-projection", arity = "0..1", fallbackValue = "true", description = "loqt: P in NF4 as in the authors' scripts; false keeps it float (default: true).")
    Boolean quantizeProjection;
    @Option(names = "--double-quant", description = "loqt: NF4 with double quantization of the absmax values (the 7B/13B scripts).")
    boolean doubleQuant;
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LlamaPaperConfig cfg = LlamaPaperConfig.byName(config);
        MemoryMethod m = MemoryMethod.parse(method);
        int r = rank != null ? rank : cfg.paperRank();
        if (m.usesRank() && r <= 0) throw new dev.lowrank4j.Lowrank4jException("--rank must be > 0, got " + r);
        Applicability.onlyWhen(spec, m == MemoryMethod.LOQT, "--method " + m.key, "loqt only", "--quantize-projection", "--double-quant");
        if (m == MemoryMethod.LOQT) {
            LoqtMemory l = LoqtMemory.estimate(cfg, r, quantizeProjection == null || quantizeProjection, doubleQuant);
            System.out.print(json ? Json.compact(l.toJson()) + System.lineSeparator() : l.format());
            return 0;
        }
        MemoryEstimate e = OptimizerMemory.estimate(cfg, m, r);
        if (!json) {
            System.out.print(e.format());
            return 0;
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("config", cfg.name());
        o.put("method", m.key);
        o.put("rank", m.usesRank() ? r : null);
        o.put("parameters", e.parameters());
        o.put("bf16_bytes", bytes(e.counts(), MemoryEstimate.BF16_BYTES));
        o.put("fp32_bytes", bytes(e.counts(), MemoryEstimate.FP32_BYTES));
        o.put("elements", bytes(e.counts(), 1));
        o.put("formulas", Map.of("weights", m.weightsFormula, "gradients", m.gradientsFormula,
                "optimizer_states", m.optimizerFormula));
        System.out.println(Json.compact(o));
        return 0;
    }

    private static Map<String, Long> bytes(OptimizerMemory.Counts c, int perElement) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("weights", c.weights() * perElement);
        m.put("gradients", c.gradients() * perElement);
        m.put("optimizer_states", c.optimizerStates() * perElement);
        m.put("total", c.total() * perElement);
        return m;
    }
}
