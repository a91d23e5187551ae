package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.TransformerBlock;
import dev.lowrank4j.quant.ptq.CalibrationSet;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.train.MemoryLedger;

import java.util.List;
import java.util.Map;

/**
 * A model post-training quantization can work on: its blocks, how calibration tokens become the
 * hidden states block 0 reads, and what a model folder needs besides the block weights.
 * {@link LlamaTarget} (decoder layers) and {@link BertTarget} (encoder layers).
 */
public sealed interface PtqTarget permits LlamaTarget, BertTarget {
    /** "llama" or "bert", as config.json's model_type. */
    String modelType();

    ModuleHost host();

    List<TransformerBlock> blocks();

    /** Hidden states of whole sequences of {@code seq} tokens (one per sample) as block 0 reads them. */
    CalibrationSet embed(List<int[]> samples, int seq);

    /** Tokens of a text with the model's tokenizer, no special tokens. */
    int[] tokenize(byte[] text);

    /** Special tokens around every sample (BERT's [CLS] … [SEP]); the sample's own tokens fill the rest. */
    int[] wrap(int[] tokens);

    /** Tokens a sample adds to its text (2 for BERT's [CLS] and [SEP]). */
    int specialTokens();

    /** The longest sequence the model takes. */
    int maxSequence();

    String configJson();

    /** Float tensors to keep that are not the model's own parameters (a classifier head); often empty. */
    Map<String, Tensor> extras();

    /** Every float tensor to save: the model's parameters after quantization, then {@link #extras()}. */
    default Map<String, Tensor> floatTensors() {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (var p : host().parameters()) out.put(p.name(), p.value());
        out.putAll(extras());
        return out;
    }

    /**
     * Bytes the loaded weights take in memory: float parameters and extras at their float32 size,
     * packed linears at their packed size (codes, scales, zero points), since they stay packed.
     * Counted from the tensors themselves, as the training ledger counts them.
     */
    default long weightBytes() {
        MemoryLedger ledger = new MemoryLedger();
        for (var p : host().parameters()) ledger.add(p.value());
        ledger.addAll(host().buffers().values());
        extras().values().forEach(ledger::add);
        return ledger.total();
    }
}
