package dev.lowrank4j.train;

import dev.lowrank4j.Lowrank4jException;

import java.util.Map;

/**
 * An endless stream of training batches whose position can be saved and restored, so a resumed
 * run draws exactly the batches an uninterrupted one would have.
 */
public interface BatchStream<B> {
    B next();

    /** Where the stream stands (generator states, epoch and index): saved in trainer_state.json. */
    Map<String, Long> position();

    /** Moves to a position that {@link #position()} returned. */
    void seek(Map<String, Long> position);

    /** One field of a saved position, with a clear error when a checkpoint lacks it. */
    static long require(Map<String, Long> position, String key) {
        Long v = position.get(key);
        if (v == null) {
            throw new Lowrank4jException("checkpoint's data_position has no '" + key + "' (saved by another kind of run?)");
        }
        return v;
    }
}
