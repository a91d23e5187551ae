package dev.lowrank4j.cli;

import dev.lowrank4j.tasks.quantize.EvalJob;
import dev.lowrank4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Held-out perplexity of a LLaMA (float or quantized folder) on a text file; for a BERT encoder, the cosine of its sentence embeddings to the float32 MiniLM's.",
        footer = {"", "Examples:",
                "  lowrank4j eval --model runs/x --text held-out.txt",
                "  lowrank4j eval --model runs/x-lrq-w4 --text held-out.txt --json",
                "  lowrank4j eval --model minilm-w4 --text sentences.txt --json",
                "", "Perplexity is exp(mean cross-entropy) over consecutive non-overlapping windows of --seq tokens.",
                "--json prints {\"loss\": ..., \"perplexity\": ..., \"tokens\": ...} (BERT: {\"cosine_to_fp32\": ..., \"sentences\": ...})."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model, run or quantized folder, or minilm.")
    String model;
    @Option(names = "--text", required = true, paramLabel = "FILE", description = "Held-out text (BERT: one sentence per line).")
    Path text;
    @Option(names = "--seq", defaultValue = "0", description = "Tokens per window; 0 = min(128, the model's context) (default: ${DEFAULT-VALUE}).")
    int seq;
    @Option(names = "--json", description = "Print one JSON object instead of a sentence.")
    boolean json;

    @Override
    public Integer call() {
        EvalJob.Result r = EvalJob.run(model, text, seq, PhaseProgress.beside(json));
        Map<String, Object> m = new LinkedHashMap<>();
        if (r.causal()) {
            m.put("loss", r.loss());
            m.put("perplexity", r.perplexity());
            m.put("tokens", r.tokens());
        } else {
            m.put("cosine_to_fp32", r.cosine());
            m.put("sentences", r.sentences());
        }
        m.put("model", model);
        m.put("scheme", r.scheme());
        if (json) System.out.println(Json.compact(m));
        else if (r.causal()) System.out.printf(Locale.ROOT, "%s (%s): perplexity %.4f, loss %.4f nats/token over %,d tokens%n", model, r.scheme(), r.perplexity(), r.loss(), r.tokens());
        else System.out.printf(Locale.ROOT, "%s (%s): mean cosine to float32 MiniLM %.5f over %d sentences%n", model, r.scheme(), r.cosine(), r.sentences());
        return 0;
    }
}
