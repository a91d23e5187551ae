package dev.lowrank4j.cli;

import dev.lowrank4j.tasks.ForwardJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "forward", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a Hugging Face LLaMA checkpoint on input_ids and write its logits (and gradients).",
        footer = {"", "Examples:",
                "  lowrank4j forward --model hf-tiny-llama/tinyllama --input ref.safetensors --out ours.safetensors",
                "  lowrank4j forward --model runs/x/checkpoints/step-0000800 --input ids.safetensors --out o.safetensors --grads",
                "  lowrank4j forward --model base/ --adapter my-lora/ --merge --input ids.safetensors --out o.safetensors",
                "", "Input: a safetensors file with 'input_ids' (I64 [batch, seq]). Output: 'logits' (F32 [batch, seq, vocab]);",
                "with --grads also 'loss' (mean cross-entropy of logits[:, :-1] against ids[:, 1:]) and",
                "'grad.<parameter name>' for every parameter, the layout of the transformers reference files."})
final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder (config.json + model.safetensors or a sharded index), or a run folder (its newest checkpoint).")
    Path model;
    @Option(names = "--input", required = true, paramLabel = "IDS.safetensors", description = "File holding input_ids (I64 [batch, seq]).")
    Path input;
    @Option(names = "--out", required = true, paramLabel = "OUT.safetensors", description = "Where to write logits (and gradients).")
    Path out;
    @Option(names = "--adapter", paramLabel = "ADAPTER_DIR", description = "PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors) to apply.")
    Path adapter;
    @Option(names = "--merge", description = "Merge the adapter into the base weights before running (PEFT merge_and_unload).")
    boolean merge;
    @Option(names = "--grads", description = "Also write the causal-LM loss and the gradient of every parameter.")
    boolean grads;

    @Override
    public Integer call() {
        ForwardJob.Result r = ForwardJob.run(model, adapter, merge, input, out, grads);
        System.out.printf("wrote %s: logits [%d, %d, %d]%s%n", out, r.batch(), r.seq(), r.vocab(),
                grads ? String.format(", loss %.6f and gradients", r.loss()) : "");
        return 0;
    }
}
