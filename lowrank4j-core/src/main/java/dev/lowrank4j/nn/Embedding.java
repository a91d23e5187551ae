package dev.lowrank4j.nn;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;

/** Token ids → rows of a [vocab, dim] table. Backward scatter-adds into the rows that were used. */
public final class Embedding {
    private final Parameter weight;
    private final int vocab;
    private final int dim;

    private int[] ids;
    private Tensor output;

    public Embedding(Parameter weight) {
        if (weight.value().rank() != 2) {
            throw new IllegalArgumentException(weight.name() + ": an embedding table must be [vocab, dim]");
        }
        this.weight = weight;
        this.vocab = weight.value().dim(0);
        this.dim = weight.value().dim(1);
    }

    public Parameter weight() {
        return weight;
    }

    public int vocabSize() {
        return vocab;
    }

    public int dim() {
        return dim;
    }

    /** Returns [ids.length, dim]; a layer-owned buffer valid until the next forward. */
    public Tensor forward(int[] tokenIds) {
        for (int i = 0; i < tokenIds.length; i++) {
            int id = tokenIds[i];
            if (id < 0 || id >= vocab) {
                throw new Lowrank4jException("token id " + id + " at position " + i
                        + " is out of range for vocabulary size " + vocab);
            }
        }
        int n = tokenIds.length;
        ids = Buffers.ints(ids, n);
        System.arraycopy(tokenIds, 0, ids, 0, n); // a private copy: the caller may reuse its array
        output = Buffers.matrix(output, n, dim);
        float[] table = weight.data(), y = output.data;
        for (int i = 0; i < n; i++) System.arraycopy(table, ids[i] * dim, y, i * dim, dim);
        return output;
    }

    /** Adds dy's rows into the gradient rows of the ids seen by the last forward (repeats add up). */
    public void backward(Tensor dy) {
        Shapes.requireForward(weight.name(), ids);
        int n = Shapes.rowsWithColumns(weight.name(), dy, dim);
        if (n != ids.length) throw new IllegalArgumentException(weight.name() + ": dy rows differ from forward");
        if (weight.grad() == null) return;
        float[] g = weight.grad().data;
        // Sequential on purpose: repeated ids would race, and this is N·dim additions.
        for (int i = 0; i < n; i++) VectorMath.addInPlace(g, ids[i] * dim, dy.data, i * dim, dim);
    }

    public long activationBytes() {
        return Buffers.bytes(output) + (ids == null ? 0 : 4L * ids.length);
    }
}
