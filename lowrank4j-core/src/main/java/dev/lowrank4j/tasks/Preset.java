package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Named model-and-budget presets for {@code pretrain}. "tiny" is the README's default job: a
 * byte-level LLaMA on the embedded corpus that finishes in a few minutes on 2 cores.
 */
public enum Preset {
    TINY("tiny", 256, 128, 4, 4, 4, 352, 128, 16, 2000, 3e-3),
    SMALL("small", 256, 256, 6, 8, 8, 688, 256, 16, 3000, 2e-3),
    DEBUG("debug", 256, 32, 1, 2, 2, 64, 32, 4, 20, 3e-3);

    public final String id;
    public final ModelShape shape;
    public final int seq, batch, steps;
    public final double lr;

    Preset(String id, int vocab, int dim, int layers, int heads, int kvHeads, int hidden, int seq, int batch,
           int steps, double lr) {
        this.id = id;
        this.shape = new ModelShape(vocab, dim, layers, heads, kvHeads, hidden, seq);
        this.seq = seq;
        this.batch = batch;
        this.steps = steps;
        this.lr = lr;
    }

    public static Preset byName(String name) {
        for (Preset p : values()) if (p.id.equalsIgnoreCase(name)) return p;
        throw new Lowrank4jException("unknown preset '" + name + "'; choose one of "
                + Arrays.stream(values()).map(p -> p.id).collect(Collectors.joining(", ")));
    }
}
