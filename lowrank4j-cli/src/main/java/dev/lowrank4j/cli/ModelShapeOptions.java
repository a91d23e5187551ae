package dev.lowrank4j.cli;

import dev.lowrank4j.tasks.ModelShape;
import picocli.CommandLine.Option;

/** Model size flags shared by commands that build a LLaMA from scratch; unset flags keep the preset's. */
final class ModelShapeOptions {
    @Option(names = "--vocab", description = "Vocabulary size (default: preset's; 256 for bytes).")
    Integer vocab;
    @Option(names = "--dim", description = "Hidden size d_model (default: preset's).")
    Integer dim;
    @Option(names = "--layers", description = "Decoder layers (default: preset's).")
    Integer layers;
    @Option(names = "--heads", description = "Attention heads (default: preset's).")
    Integer heads;
    @Option(names = "--kv-heads", description = "Key/value heads for grouped-query attention (default: = --heads).")
    Integer kvHeads;
    @Option(names = "--hidden", description = "SwiGLU intermediate size (default: preset's).")
    Integer hidden;

    ModelShape apply(ModelShape base, int maxSeq) {
        int h = heads != null ? heads : base.heads();
        int kv = kvHeads != null ? kvHeads : (heads != null ? h : base.kvHeads());
        return new ModelShape(vocab != null ? vocab : base.vocab(), dim != null ? dim : base.dim(),
                layers != null ? layers : base.layers(), h, kv, hidden != null ? hidden : base.hidden(), maxSeq);
    }
}
