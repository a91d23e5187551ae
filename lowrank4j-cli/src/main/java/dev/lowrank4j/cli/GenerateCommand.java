package dev.lowrank4j.cli;

import dev.lowrank4j.tasks.Sampler;
import dev.lowrank4j.tasks.quantize.GenerateJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Continue a prompt with a LLaMA: a model or run folder (its tokenizer: bytes for the models trained here) or a quantized folder, decoded through a KV cache.",
        footer = {"", "Examples:",
                "  lowrank4j generate --model runs/x --prompt \"Call me Ishmael\"",
                "  lowrank4j generate --model runs/x-lrq-w4 --prompt \"The whale\" --max-tokens 200 --temperature 0.8 --top-k 40 --seed 1",
                "  lowrank4j generate --model runs/x --prompt \"Queequeg\" --temperature 0      # greedy",
                "", "The text goes to stdout; prompt length, tokens generated and decode speed (tokens/s) to stderr."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A LLaMA model, run or quantized folder.")
    String model;
    @Option(names = "--prompt", required = true, description = "The text to continue.")
    String prompt;
    @Option(names = "--max-tokens", defaultValue = "100", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;
    @Option(names = "--temperature", defaultValue = "1.0", description = "Softmax temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k most likely tokens; 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus: the smallest set with this probability (default: ${DEFAULT-VALUE}).")
    double topP;
    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        Sampler sampler = new Sampler(temperature, topK, topP, seed);
        // loading a big model is most of the wait before the first token: say so at once
        GenerateJob.Result r = PhaseProgress.beside(true).during("loading " + model + " and generating up to " + maxTokens + " tokens",
                () -> GenerateJob.run(model, prompt, maxTokens, sampler, null));
        System.out.println(prompt + r.text());
        System.err.printf(Locale.ROOT, "%s: %d prompt tokens, %d generated, %.1f tokens/s decoding (prefill %.2fs)%n",
                r.scheme(), r.promptTokens(), r.generated(), r.tokensPerSecond(), r.prefillSeconds());
        return 0;
    }
}
