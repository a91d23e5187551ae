package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tasks.quantize.EvalJob;
import dev.lowrank4j.util.Json;
import dev.lowrank4j.train.MemoryLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Held-out perplexity of a LLaMA (float or quantized folder) on a text file; for a BERT encoder, the cosine of its sentence embeddings to the float32 MiniLM's; with --task spam, a fine-tuned classifier's test accuracy (before or after quantization).",
        footer = {"", "Examples:",
                "  lowrank4j eval --model runs/x --text held-out.txt",
                "  lowrank4j eval --model runs/x-lrq-w4 --text held-out.txt --json",
                "  lowrank4j eval --model minilm-w4 --text sentences.txt --json",
                "  lowrank4j eval --model runs/spam-lora/model --task spam --seed 42          # accuracy before quantization",
                "  lowrank4j eval --model runs/spam-lora-w4 --task spam --seed 42 --json      # and after",
                "", "Perplexity is exp(mean cross-entropy) over consecutive non-overlapping windows of --seq tokens.",
                "--json prints {\"loss\": ..., \"perplexity\": ..., \"tokens\": ...} (BERT: {\"cosine_to_fp32\": ..., \"sentences\": ...}),",
                "with \"scheme\" and \"weight_bytes\" (the loaded weights in memory; packed weights count packed).",
                "--task spam scores a fine-tuned MiniLM classifier (its model/ folder, or that folder quantized) on the",
                "SpamAssassin test split that `finetune --task spam` held out with the same --seed and --max-tokens;",
                "--json prints test_loss, test_accuracy, test_precision, test_recall, test_f1 and examples."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model, run or quantized folder, or minilm.")
    String model;
    @Option(names = "--text", paramLabel = "FILE", description = "Held-out text (BERT: one sentence per line); not with --task.")
    Path text;
    @Option(names = "--task", paramLabel = "spam", description = "Score a fine-tuned classifier on its task's test split instead: spam.")
    String task;
    @Option(names = "--seed", defaultValue = "42", description = "With --task: the fine-tune's --seed, which chose its test split (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--max-tokens", defaultValue = "128", description = "With --task: word pieces per text, as in the fine-tune (default: ${DEFAULT-VALUE}).")
    int maxTokens;
    @Option(names = "--seq", defaultValue = "0", description = "Tokens per window; 0 = min(128, the model's context) (default: ${DEFAULT-VALUE}).")
    int seq;
    @Option(names = "--json", description = "Print one JSON object instead of a sentence.")
    boolean json;

    @Override
    public Integer call() {
        if (task != null) return taskScore();
        if (text == null) throw new Lowrank4jException("--text FILE is required (or --task spam for a fine-tuned classifier)");
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
        m.put("weight_bytes", r.weightBytes());
        String memory = ", weights " + MemoryLedger.human(r.weightBytes()) + " in memory";
        if (json) System.out.println(Json.compact(m));
        else if (r.causal()) System.out.printf(Locale.ROOT, "%s (%s): perplexity %.4f, loss %.4f nats/token over %,d tokens%s%n", model, r.scheme(), r.perplexity(), r.loss(), r.tokens(), memory);
        else System.out.printf(Locale.ROOT, "%s (%s): mean cosine to float32 MiniLM %.5f over %d sentences%s%n", model, r.scheme(), r.cosine(), r.sentences(), memory);
        return 0;
    }

    private int taskScore() {
        if (!task.equals("spam")) throw new Lowrank4jException("--task must be spam, got '" + task + "'");
        if (text != null) throw new Lowrank4jException("--task spam reads SpamAssassin's test split; leave out --text");
        EvalJob.SpamResult r = EvalJob.spam(model, seed, maxTokens, PhaseProgress.beside(json));
        Map<String, Object> m = new LinkedHashMap<>(r.metrics().values());
        m.put("examples", r.examples());
        m.put("model", model);
        m.put("scheme", r.scheme());
        m.put("seed", seed);
        if (json) System.out.println(Json.compact(m));
        else System.out.printf(Locale.ROOT, "%s (%s): test accuracy %.4f, F1 %.4f, loss %.4f on %,d e-mails (SpamAssassin test split of seed %d)%n",
                model, r.scheme(), r.metrics().get("test_accuracy"), r.metrics().get("test_f1"), r.metrics().get("test_loss"),
                r.examples(), seed);
        return 0;
    }
}
