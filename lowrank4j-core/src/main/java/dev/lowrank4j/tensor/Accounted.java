package dev.lowrank4j.tensor;

/** Something that occupies memory the ledger should count: its size and what it is for. */
public interface Accounted {
    long bytes();

    MemoryCategory category();
}
