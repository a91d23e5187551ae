package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tasks.CausalTokenizer;
import dev.lowrank4j.tasks.DecodeBenchmark;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.tasks.quantize.LlamaTarget;
import dev.lowrank4j.tasks.quantize.ModelLoading;
import dev.lowrank4j.util.Json;
import dev.lowrank4j.util.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "decode", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Tokens per second of greedy decoding through the KV cache (what generate runs), with the same model's "
                + "linear weights in float32 and in 4-bit formats made from the same values, in one run.",
        footer = {"", "Example (the papers' 60M LLaMA, random weights, fp32 vs NF4 and INT4):",
                "  lowrank4j bench decode --preset 60m --weights fp32,nf4,int4",
                "A trained model folder, its LM head quantized too, one JSON object per format:",
                "  lowrank4j bench decode --model runs/x --quantize-head --json",
                "", "nf4 is bitsandbytes' NF4 (block 64), as LoQT exports it; intB (int2 … int8)",
                "is the per-row round-to-nearest grid of quantize --method rtn. As in those",
                "models the LM head stays float32 unless --quantize-head. Each format's result",
                "is its fastest of --rounds rounds (the formats take turns). docs/BENCHMARKS.md"})
final class DecodeBenchCommand implements Callable<Integer> {
    @Mixin
    ModelShapeOptions shapeOptions;
    @Option(names = "--preset", paramLabel = "CONFIG", description = "A LLaMA configuration of the GaLore/Fira/LoQT papers "
            + "(9m, 20m, 35m, 60m, 130m, 350m, 1b, 7b); the flags above override its fields (default: 60m).")
    String preset;
    @Option(names = "--model", paramLabel = "DIR", description = "A LLaMA model, run, NF4 or quantized folder instead of random weights "
            + "(packed weights are dequantized to make the float32 ones).")
    String model;
    @Option(names = "--weights", split = ",", defaultValue = "fp32,nf4,int4", paramLabel = "FORMAT",
            description = "Weight formats, comma-separated: fp32, nf4, int2 … int8 (default: ${DEFAULT-VALUE}).")
    List<String> weights;
    @Option(names = "--quantize-head", description = "Quantize the LM head too (by default it stays float32, as in bitsandbytes and PTQ models).")
    boolean quantizeHead;
    @Option(names = "--prompt-tokens", defaultValue = "32", description = "Prompt length, random token ids (default: ${DEFAULT-VALUE}).")
    int promptTokens;
    @Option(names = "--prompt", description = "A prompt text instead, in the --model folder's tokenizer.")
    String prompt;
    @Option(names = "--tokens", defaultValue = "64", description = "Tokens to generate per run, as generate --max-tokens (default: ${DEFAULT-VALUE}).")
    int tokens;
    @Option(names = "--rounds", defaultValue = "3", description = "Timed runs per format, taking turns (default: ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;
    @Option(names = "--json", description = "Print one JSON object per format (key \"weights\"), one per line, instead of a table.")
    boolean json;
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (threads != null) {
            if (threads < 1) throw new Lowrank4jException("--threads must be >= 1, got " + threads);
            Parallel.setThreads(threads);
        }
        String context = "--model (the folder sets the shape)";
        Applicability.onlyWhen(spec, model == null, context, "they build a model", "--preset", "--vocab", "--dim", "--layers",
                "--heads", "--kv-heads", "--hidden");
        Applicability.onlyWhen(spec, model != null, "random weights", "it needs --model's tokenizer", "--prompt");
        Applicability.onlyWhen(spec, prompt == null, "--prompt", "the text sets the prompt", "--prompt-tokens");
        if (promptTokens < 1) throw new Lowrank4jException("--prompt-tokens must be >= 1, got " + promptTokens);
        DecodeBenchmark.Plan.check(weights, tokens, rounds);
        PhaseProgress progress = PhaseProgress.beside(json);
        LlamaModel m;
        int[] ids;
        if (model != null) {
            ModelLoading.Loaded loaded = progress.during("loading " + model, () -> ModelLoading.load(model));
            if (!(loaded.target() instanceof LlamaTarget target)) throw new Lowrank4jException(model + " is a BERT encoder; bench decode needs a causal language model");
            m = target.model();
            ids = prompt != null
                    ? CausalTokenizer.forModel(loaded.dir(), m.config().vocabSize()).encode(prompt.getBytes(StandardCharsets.UTF_8))
                    : randomIds(promptTokens, m.config().vocabSize());
            if (ids.length == 0) throw new Lowrank4jException("--prompt is empty");
        } else {
            int seq = promptTokens + Math.max(tokens, 0);
            ModelShape shape = shapeOptions.apply(BenchCommand.Step.paperShape(preset != null ? preset : "60m", seq), seq);
            m = progress.during("building the model", () -> new LlamaModel(shape.toConfig(), 0));
            ids = randomIds(promptTokens, shape.vocab());
        }
        DecodeBenchmark.Plan plan = new DecodeBenchmark.Plan(weights, quantizeHead, ids, tokens, rounds);
        DecodeBenchmark.Report r = DecodeBenchmark.run(m, plan, progress);
        if (json) r.toJson().forEach(o -> System.out.println(Json.compact(o)));
        else print(r);
        return 0;
    }

    private static int[] randomIds(int n, int vocab) {
        Rng rng = new Rng(1);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rng.nextInt(vocab);
        return ids;
    }

    private static void print(DecodeBenchmark.Report r) {
        var c = r.config();
        System.out.printf(Locale.ROOT, "cpu=%s threads=%d gemm=%s gemm_GFLOP/s=%.1f (prefill shape) memory_GB/s=%.1f%n", r.cpu(),
                r.threads(), r.gemm(), r.gemmGflops(), r.memoryGbps());
        System.out.printf(Locale.ROOT, "model: vocab %d, dim %d, %d layers, %d heads (%d kv), hidden %d, %,d parameters; LM head %s%n",
                c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.intermediateSize(),
                r.parameters(), r.quantizedHead() ? "quantized" : "float32");
        var first = r.results().get(0);
        System.out.printf(Locale.ROOT, "%d prompt tokens, %d generated, best of %d rounds%n", first.promptTokens(), first.tokens(), r.rounds());
        System.out.printf(Locale.ROOT, "%-7s %10s %9s %9s %7s %8s %12s %7s %12s%n", "weights", "weight MB", "tokens/s", "ms/token",
                "min ms", "vs fp32", "prefill t/s", "GB/s", "same as fp32");
        for (var x : r.results()) {
            System.out.printf(Locale.ROOT, "%-7s %10.1f %9.1f %9.2f %7.2f %8.2f %12.1f %7.1f %12.0f%n", x.weights(), x.weightBytes() / 1e6,
                    x.tokensPerSecond(), 1e3 / x.tokensPerSecond(), x.minStepMs(), r.ratioToFp32(x), x.prefillTokensPerSecond(),
                    x.weightGbPerSecond(), r.agreementWithFp32(x));
        }
    }
}
