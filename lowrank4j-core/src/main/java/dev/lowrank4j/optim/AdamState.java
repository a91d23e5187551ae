package dev.lowrank4j.optim;

import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.tensor.Tensor;

import java.util.List;

/**
 * Adam's state for one parameter (or one projected gradient): the two moments and the number of
 * updates they have seen, which drives the bias correction. Zero state is "never updated".
 */
public final class AdamState {
    final Tensor m;
    final Tensor v;
    long step;

    public AdamState(int... shape) {
        this.m = Tensor.zeros(shape).as(MemoryCategory.OPTIMIZER_STATES);
        this.v = Tensor.zeros(shape).as(MemoryCategory.OPTIMIZER_STATES);
    }

    public int size() {
        return m.size();
    }

    public long step() {
        return step;
    }

    public void reset() {
        m.zero();
        v.zero();
        step = 0;
    }

    List<Tensor> tensors() {
        return List.of(m, v);
    }
}
