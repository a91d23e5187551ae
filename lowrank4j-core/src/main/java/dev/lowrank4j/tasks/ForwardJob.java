package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.peft.PeftAdapter;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tasks.quantize.LlamaTarget;
import dev.lowrank4j.tasks.quantize.ModelLoading;
import dev.lowrank4j.tasks.quantize.QuantizedFolder;
import dev.lowrank4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs a Hugging Face LLaMA on {@code input_ids} and writes {@code logits} (and with gradients the
 * causal-LM {@code loss} and {@code grad.<name>} of every parameter) in the layout of the
 * transformers reference files, so any checkpoint can be compared against PyTorch.
 */
public final class ForwardJob {
    private ForwardJob() {}

    /** HF causal-LM targets: ids shifted left by one within each sequence; the last position is ignored (-1). */
    public static int[] causalTargets(int[] ids, int batch, int seq) {
        int[] tg = new int[ids.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) tg[b * seq + t] = t + 1 < seq ? ids[b * seq + t + 1] : -1;
        }
        return tg;
    }

    public record Result(int batch, int seq, int vocab, float loss) {}

    /** The built-in MiniLM, or a model or run folder whose config.json names a BERT model (a fine-tune's model/). */
    public static boolean isBert(String model) {
        if (model.equalsIgnoreCase(BertForward.MINILM)) return true;
        Path cfg = ModelSource.resolve(Path.of(model)).resolve(HfCheckpoint.CONFIG_FILE);
        if (!java.nio.file.Files.isRegularFile(cfg)) return false;
        return "bert".equals(dev.lowrank4j.util.Json.readObjectFile(cfg).path("model_type").asText(""));
    }

    public static Result run(Path modelDir, Path input, Path out, boolean grads) {
        return run(modelDir, null, false, input, out, grads);
    }

    /**
     * As {@link #run(Path, Path, Path, boolean)} with an optional PEFT LoRA adapter folder applied on
     * top of the base weights, and merged into them first when {@code merge} is set.
     */
    /** A float or NF4 folder (adapters apply to both), or a quantized one (packed weights; no adapters on those). */
    private static LlamaModel loadModel(Path dir, Path adapterDir) {
        if (QuantizedFolder.isQuantized(dir)) {
            if (adapterDir != null) throw new Lowrank4jException(dir + " is a quantized model; --adapter needs a float base model");
            return ((LlamaTarget) ModelLoading.load(dir.toString()).target()).model();
        }
        return LlamaFolder.load(dir, 0);
    }

    public static Result run(Path modelDir, Path adapterDir, boolean merge, Path input, Path out, boolean grads) {
        if (merge && adapterDir == null) throw new Lowrank4jException("--merge needs --adapter");
        LlamaModel model = loadModel(ModelSource.resolve(modelDir), adapterDir);
        if (adapterDir != null) {
            LoraAdapters lora = PeftAdapter.load(adapterDir, model);
            if (merge) lora.mergeAll(true);
        }
        long[] raw;
        int[] shape;
        try (SafeTensorsFile f = SafeTensors.open(input)) {
            if (!f.contains("input_ids")) throw new Lowrank4jException(input + ": no 'input_ids' tensor");
            shape = f.entry("input_ids").shape();
            raw = f.readLong("input_ids");
        }
        if (shape.length != 2) {
            throw new Lowrank4jException(input + ": input_ids must be 2-D [batch, seq], got shape " + Arrays.toString(shape));
        }
        int b = shape[0], t = shape[1], vocab = model.config().vocabSize();
        if (b < 1 || t < 1) throw new Lowrank4jException(input + ": input_ids is empty " + Arrays.toString(shape));
        int[] ids = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0 || raw[i] >= vocab) {
                throw new Lowrank4jException(input + ": token id " + raw[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
            ids[i] = (int) raw[i];
        }
        SafeTensorsWriter w = new SafeTensorsWriter();
        float loss = Float.NaN;
        if (grads) {
            // logits from a plain forward first: lossAndBackward may reuse the logits buffer for dlogits
            w.putFloat("logits", model.forward(ids, b, t).copy().reshape(b, t, vocab));
            model.zeroGrad();
            loss = model.lossAndBackward(ids, causalTargets(ids, b, t), b, t);
            w.putFloat("loss", new Tensor(new float[] {loss}, 1));
            for (Parameter p : model.parameters()) {
                if (p.grad() != null) w.putFloat("grad." + p.name(), p.grad());
            }
        } else {
            Tensor logits = model.forward(ids, b, t);
            w.putFloat("logits", logits.reshape(b, t, vocab));
        }
        w.metadata("model", modelDir.toString());
        w.write(out);
        return new Result(b, t, vocab, loss);
    }
}
