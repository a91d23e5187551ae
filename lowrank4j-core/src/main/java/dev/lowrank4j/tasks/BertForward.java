package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.peft.PeftAdapter;
import dev.lowrank4j.io.BertConfigJson;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.io.onnx.MiniLm;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.models.bert.MeanPooling;
import dev.lowrank4j.models.bert.SequenceClassifier;
import dev.lowrank4j.models.bert.TokenBatch;
import dev.lowrank4j.tasks.quantize.BertTarget;
import dev.lowrank4j.tasks.quantize.ModelLoading;
import dev.lowrank4j.tasks.quantize.QuantizedFolder;
import dev.lowrank4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code forward} for BERT encoders: the built-in MiniLM or a BERT folder (a fine-tune's
 * {@code model/}), optionally with a PEFT adapter such as a fine-tune's {@code adapter/} (its
 * classifier head, saved as modules_to_save, comes back too). Writes {@code last_hidden_state}
 * [batch, seq, hidden], {@code mean_pooled} [batch, hidden] (masked mean, what the classifier head
 * reads and, L2-normalised, MiniLM's sentence embedding) and, when there is a head, {@code logits}.
 */
public final class BertForward {
    /** What {@code --model} names for the built-in all-MiniLM-L6-v2. */
    public static final String MINILM = "minilm";

    public record Result(int batch, int seq, int hidden, int labels) {}

    private BertForward() {}

    public static Result run(String model, Path adapterDir, boolean merge, Path input, Path out) {
        if (merge && adapterDir == null) throw new Lowrank4jException("--merge needs --adapter");
        BertEncoder encoder;
        Map<String, Tensor> head = new LinkedHashMap<>();
        if (model.equalsIgnoreCase(MINILM)) {
            encoder = MiniLm.load().encoder();
        } else if (QuantizedFolder.isQuantized(ModelSource.resolve(Path.of(model)))) {
            BertTarget q = (BertTarget) ModelLoading.load(model).target();
            encoder = q.encoder();
            head.putAll(q.head());
        } else {
            Path dir = ModelSource.resolve(Path.of(model));
            BertConfigJson.Read cfg = BertConfigJson.read(dir.resolve(HfCheckpoint.CONFIG_FILE));
            Map<String, Tensor> weights = new LinkedHashMap<>(HfCheckpoint.readWeights(dir));
            for (String k : java.util.List.copyOf(weights.keySet())) {
                if (k.startsWith(SequenceClassifier.HEAD_PATH + ".")) head.put(k, weights.remove(k));
            }
            encoder = BertEncoder.fromWeights(cfg.config(), weights);
        }
        if (adapterDir != null) {
            PeftAdapter adapter = PeftAdapter.read(adapterDir);
            LoraAdapters lora = adapter.applyTo(encoder, 0);
            if (merge) lora.mergeAll(true);
            head.putAll(adapter.savedModules());
        }
        TokenBatch tokens = readInput(input, encoder.config().vocabSize());
        SafeTensorsWriter w = new SafeTensorsWriter();
        Tensor hidden = encoder.forward(tokens.ids(), tokens.attentionMask(), tokens.tokenTypes(), tokens.batch(), tokens.seq());
        int h = encoder.config().hiddenSize();
        w.putFloat("last_hidden_state", hidden.copy().reshape(tokens.batch(), tokens.seq(), h));
        w.putFloat("mean_pooled", new MeanPooling().forward(hidden, tokens.attentionMask(), tokens.batch(), tokens.seq()).copy());
        int labels = 0;
        if (!head.isEmpty()) {
            Tensor weight = head.get(SequenceClassifier.HEAD_PATH + ".weight");
            if (weight == null || weight.rank() != 2) throw new Lowrank4jException(model + ": the classifier head has no 2-D classifier.weight");
            labels = weight.dim(0);
            SequenceClassifier classifier = new SequenceClassifier(encoder, labels, 0);
            classifier.loadHead(head);
            w.putFloat("logits", classifier.logits(tokens).copy());
        }
        w.metadata("model", model);
        w.write(out);
        return new Result(tokens.batch(), tokens.seq(), h, labels);
    }

    /** input_ids [batch, seq] and optional attention_mask / token_type_ids of the same shape. */
    private static TokenBatch readInput(Path input, int vocab) {
        try (SafeTensorsFile f = SafeTensors.open(input)) {
            if (!f.contains("input_ids")) throw new Lowrank4jException(input + ": no 'input_ids' tensor");
            int[] shape = f.entry("input_ids").shape();
            if (shape.length != 2 || shape[0] < 1 || shape[1] < 1) {
                throw new Lowrank4jException(input + ": input_ids must be 2-D [batch, seq], got shape " + Arrays.toString(shape));
            }
            int b = shape[0], t = shape[1];
            int[] ids = ints(f, "input_ids", shape, input, 0, vocab);
            int[] mask = f.contains("attention_mask") ? ints(f, "attention_mask", shape, input, 0, 2) : filled(b * t, 1);
            int[] types = f.contains("token_type_ids") ? ints(f, "token_type_ids", shape, input, 0, Integer.MAX_VALUE) : new int[b * t];
            return new TokenBatch(b, t, ids, mask, types);
        }
    }

    private static int[] ints(SafeTensorsFile f, String name, int[] shape, Path input, long min, long bound) {
        if (!Arrays.equals(f.entry(name).shape(), shape)) {
            throw new Lowrank4jException(input + ": " + name + " has shape " + Arrays.toString(f.entry(name).shape())
                    + ", input_ids " + Arrays.toString(shape));
        }
        long[] raw = f.readLong(name);
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < min || raw[i] >= bound) {
                throw new Lowrank4jException(input + ": " + name + " value " + raw[i] + " at position " + i + " is outside [" + min + ", " + bound + ")");
            }
            out[i] = (int) raw[i];
        }
        return out;
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }
}
