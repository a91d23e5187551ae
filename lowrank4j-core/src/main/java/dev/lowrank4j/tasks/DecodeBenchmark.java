package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.bench.GemmBenchmark;
import dev.lowrank4j.bench.MemoryBandwidth;
import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.storage.WeightStorage;
import dev.lowrank4j.util.CpuModel;
import dev.lowrank4j.util.PhaseListener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench decode}: greedy decoding through the KV cache ({@link KvDecoding}, what
 * {@code generate} runs) of one model with its linear weights in several formats made from the
 * same float values ({@link DecodeWeights}). After one untimed warm-up run per format (the JIT;
 * the GEMM rate and memory bandwidth are measured after it, with the kernels compiled), the
 * formats take turns for {@code rounds} rounds, each decoding {@code tokens} tokens after the same
 * prompt; a format's result is its fastest round (as in {@link GemmBenchmark}: on a shared machine
 * other processes only ever slow a round down, and taking turns spreads a busy spell over all
 * formats).
 */
public final class DecodeBenchmark {
    /**
     * One format's fastest round; {@code minStepMs} is the fastest single-token pass of all its
     * rounds (on a busy machine the one least likely to have been interrupted).
     */
    public record Result(String weights, long weightBytes, int promptTokens, int tokens, double prefillSeconds,
                         double decodeSeconds, double medianStepMs, double minStepMs, int[] decoded) {
        /** Single-token passes per second (tokens − 1 of them: the first token comes from the prefill). */
        public double tokensPerSecond() {
            return (tokens - 1) / decodeSeconds;
        }

        /** This result with the smaller of its own and {@code other} as the fastest step. */
        Result withMinStep(double other) {
            return new Result(weights, weightBytes, promptTokens, tokens, prefillSeconds, decodeSeconds, medianStepMs,
                    Math.min(minStepMs, other), decoded);
        }

        public double prefillTokensPerSecond() {
            return promptTokens / prefillSeconds;
        }

        /** Bytes of linear weights read per decoded token over the time of a token: what the memory system delivered. */
        public double weightGbPerSecond() {
            return weightBytes / (decodeSeconds / (tokens - 1)) / 1e9;
        }
    }

    /** The whole run: the machine, the model and one result per format in the order asked. */
    public record Report(String cpu, int threads, String gemm, double gemmGflops, double memoryGbps, LlamaConfig config,
                         long parameters, boolean quantizedHead, int rounds, List<Result> results) {
        /** tokens/s of {@code r} over fp32's, or NaN when fp32 was not measured. */
        public double ratioToFp32(Result r) {
            return results.stream().filter(x -> x.weights().equals("fp32")).findFirst()
                    .map(f -> r.tokensPerSecond() / f.tokensPerSecond()).orElse(Double.NaN);
        }

        /** How many of r's tokens equal fp32's, from the start until the first difference (NaN without fp32). */
        public double agreementWithFp32(Result r) {
            return results.stream().filter(x -> x.weights().equals("fp32")).findFirst().map(f -> {
                int same = 0;
                while (same < r.decoded().length && r.decoded()[same] == f.decoded()[same]) same++;
                return (double) same;
            }).orElse(Double.NaN);
        }

        /** One object per format, each with the run's machine and model fields. */
        public List<Map<String, Object>> toJson() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Result r : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("weights", r.weights());
                m.put("tokens_per_second", r.tokensPerSecond());
                m.put("ms_per_token", 1e3 / r.tokensPerSecond());
                m.put("median_ms_per_token", r.medianStepMs());
                m.put("min_ms_per_token", r.minStepMs());
                m.put("ratio_to_fp32", ratioToFp32(r));
                m.put("prefill_tokens_per_second", r.prefillTokensPerSecond());
                m.put("weight_bytes", r.weightBytes());
                m.put("weight_gb_per_second", r.weightGbPerSecond());
                m.put("memory_gb_per_second", memoryGbps);
                m.put("leading_tokens_as_fp32", agreementWithFp32(r));
                m.put("prompt_tokens", r.promptTokens());
                m.put("tokens", r.tokens());
                m.put("rounds", rounds);
                m.put("quantized_head", quantizedHead);
                m.put("decoded", Arrays.stream(r.decoded()).boxed().toList());
                m.put("threads", threads);
                m.put("gemm", gemm);
                m.put("gemm_gflops", gemmGflops);
                m.put("cpu", cpu);
                m.put("parameters", parameters);
                m.put("vocab", config.vocabSize());
                m.put("dim", config.hiddenSize());
                m.put("layers", config.numHiddenLayers());
                m.put("heads", config.numAttentionHeads());
                m.put("kv_heads", config.numKeyValueHeads());
                m.put("hidden", config.intermediateSize());
                out.add(m);
            }
            return out;
        }
    }

    /** What to run: formats in order, the prompt's token ids, tokens to generate (≥ 2), rounds (≥ 1). */
    public record Plan(List<String> formats, boolean quantizeHead, int[] prompt, int tokens, int rounds) {
        public Plan {
            check(formats, tokens, rounds);
            if (prompt.length < 1) throw new Lowrank4jException("the prompt must have at least 1 token");
        }

        /** The checks that need no model: a caller makes them before spending minutes building one. */
        public static void check(List<String> formats, int tokens, int rounds) {
            if (formats.isEmpty()) throw new Lowrank4jException("--weights names no format");
            formats.forEach(DecodeWeights::check);
            if (formats.stream().distinct().count() != formats.size()) throw new Lowrank4jException("--weights names a format twice: " + formats);
            if (tokens < 2) throw new Lowrank4jException("--tokens must be >= 2 (the first comes from the prompt's pass), got " + tokens);
            if (rounds < 1) throw new Lowrank4jException("--rounds must be >= 1, got " + rounds);
        }
    }

    private DecodeBenchmark() {}

    public static Report run(LlamaModel model, Plan plan, PhaseListener progress) {
        LlamaConfig cfg = model.config();
        if (plan.prompt().length + plan.tokens() > cfg.maxPositionEmbeddings()) {
            throw new Lowrank4jException("prompt (" + plan.prompt().length + ") + tokens (" + plan.tokens()
                    + ") exceed the model's context of " + cfg.maxPositionEmbeddings());
        }
        DecodeWeights weights = new DecodeWeights(model.linears(), plan.quantizeHead());
        Map<String, Map<String, WeightStorage>> storages = new LinkedHashMap<>();
        for (String f : plan.formats()) storages.put(f, progress.during("making the " + f + " weights", () -> weights.build(f)));
        long params = floatParameters(model, weights);
        Sampler greedy = new Sampler(0, 0, 1, 0);
        // a whole untimed run per format: on a busy machine the JIT's compiler threads are slow too
        int warm = plan.tokens();
        progress.begin("warm-up: " + warm + " tokens per format", plan.formats().size(), "formats");
        int done = 0;
        for (String f : plan.formats()) {
            weights.install(storages.get(f));
            KvDecoding.run(model, plan.prompt(), warm, greedy, null);
            progress.advance(++done);
        }
        progress.end();
        double gemm = progress.during("measuring the GEMM rate (prefill shape)", () -> GemmBenchmark.measure(Gemm.kernel(),
                new GemmBenchmark.Shape(plan.prompt().length, cfg.intermediateSize(), cfg.hiddenSize()), 1.0));
        double memory = progress.during("measuring memory bandwidth", () -> MemoryBandwidth.measure(5));
        Map<String, Result> best = new LinkedHashMap<>();
        progress.begin(plan.rounds() + " rounds of " + plan.tokens() + " tokens per format", (long) plan.rounds() * plan.formats().size(), "runs");
        done = 0;
        for (int round = 0; round < plan.rounds(); round++) {
            for (String f : plan.formats()) {
                weights.install(storages.get(f));
                Result r = result(f, DecodeWeights.bytes(storages.get(f)), plan,
                        KvDecoding.run(model, plan.prompt(), plan.tokens(), greedy, null));
                Result b = best.get(f);
                if (b != null) r = r.decodeSeconds() < b.decodeSeconds() ? r.withMinStep(b.minStepMs()) : b.withMinStep(r.minStepMs());
                best.put(f, r);
                progress.advance(++done);
            }
        }
        progress.end();
        return new Report(CpuModel.name(), Parallel.threads(), Gemm.kernel().name(), gemm, memory, cfg, params,
                plan.quantizeHead(), plan.rounds(), List.copyOf(best.values()));
    }

    /**
     * Parameters of the model with every linear in float32 (a loaded NF4 or quantized folder holds
     * some packed, which {@link LlamaModel#parameters()} does not list); a tied head, which shares
     * the embedding's tensor, counts once.
     */
    private static long floatParameters(LlamaModel model, DecodeWeights weights) {
        weights.install(weights.build("fp32"));
        java.util.Set<dev.lowrank4j.tensor.Tensor> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long sum = 0;
        for (dev.lowrank4j.nn.Parameter p : model.parameters()) if (seen.add(p.value())) sum += p.value().size();
        return sum;
    }

    private static Result result(String format, long bytes, Plan plan, KvDecoding.Decoded d) {
        double[] ms = Arrays.stream(d.stepNanos()).mapToDouble(ns -> ns / 1e6).sorted().toArray();
        double seconds = Arrays.stream(ms).sum() / 1e3;
        return new Result(format, bytes, plan.prompt().length, plan.tokens(), d.prefillNanos() / 1e9, seconds,
                StepBenchmark.median(ms), ms[0], d.tokens());
    }
}
