package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tasks.BertForward;
import dev.lowrank4j.tasks.ForwardJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "forward", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a model on input_ids and write its outputs: a LLaMA (logits, and with --grads the loss and every gradient) or a BERT encoder (hidden states, mean-pooled features, a classifier's logits).",
        footer = {"", "Examples:",
                "  lowrank4j forward --model hf-tiny-llama/tinyllama --input ref.safetensors --out ours.safetensors",
                "  lowrank4j forward --model runs/x/checkpoints/step-0000800 --input ids.safetensors --out o.safetensors --grads",
                "  lowrank4j forward --model base/ --adapter my-lora/ --merge --input ids.safetensors --out o.safetensors",
                "  lowrank4j forward --model minilm --adapter runs/spam-lora/adapter --input ids.safetensors --out o.safetensors",
                "  lowrank4j forward --model runs/spam-lora/model --input ids.safetensors --out o.safetensors",
                "", "Input: a safetensors file with 'input_ids' (I64 [batch, seq]). Output: 'logits' (F32 [batch, seq, vocab]);",
                "with --grads also 'loss' (mean cross-entropy of logits[:, :-1] against ids[:, 1:]) and",
                "'grad.<parameter name>' for every parameter, the layout of the transformers reference files.",
                "BERT (--model minilm, or a folder whose config.json says model_type bert): optional 'attention_mask' and",
                "'token_type_ids' (I64 [batch, seq]); writes 'last_hidden_state', 'mean_pooled' and, with a classifier",
                "head (a fine-tune's model/ or adapter/), 'logits' [batch, labels]."})
final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "minilm, a Hugging Face model folder (config.json + model.safetensors or a sharded index), or a run folder (its model/ or newest checkpoint).")
    String model;
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
        if (ForwardJob.isBert(model)) {
            if (grads) throw new Lowrank4jException("--grads is for causal language models; a BERT forward writes hidden states and logits");
            BertForward.Result r = PhaseProgress.beside(false).during("forward pass of " + model,
                    () -> BertForward.run(model, adapter, merge, input, out));
            System.out.printf("wrote %s: last_hidden_state [%d, %d, %d], mean_pooled%s%n", out, r.batch(), r.seq(), r.hidden(),
                    r.labels() > 0 ? ", logits [" + r.batch() + ", " + r.labels() + "]" : "");
            return 0;
        }
        ForwardJob.Result r = PhaseProgress.beside(false).during((grads ? "forward and backward pass of " : "forward pass of ") + model,
                () -> ForwardJob.run(Path.of(model), adapter, merge, input, out, grads));
        System.out.printf("wrote %s: logits [%d, %d, %d]%s%n", out, r.batch(), r.seq(), r.vocab(),
                grads ? String.format(", loss %.6f and gradients", r.loss()) : "");
        return 0;
    }
}
